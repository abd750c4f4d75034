package ws_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/replay"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/record"
	"github.com/skirmishgg/skirmish/server/servertest"
	"github.com/skirmishgg/skirmish/server/setup"
)

// TestInputViewReachesRewind: the reader hands an Input's view tick and
// ack to the match, the ack no newer than the newest snapshot written to
// the client. An honest view is rewound to exactly; a client claiming an
// ack and a view from the future is judged at the newest snapshot it was
// sent (a rewind of at least a tick, where an unchecked ack past the
// match's tick would have given none); the recording keeps what was
// applied.
func TestInputViewReachesRewind(t *testing.T) {
	dir := t.TempDir()
	st := servertest.StartStack(t, setup.Options{Server: server.Options{RecordDir: dir, MaxRewind: 500 * time.Millisecond}, Direct: arena.New(nil)})
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, st.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	ws.SetReadLimit(1 << 20)
	write := func(m interface{ Append([]byte) []byte }) {
		if err := ws.Write(ctx, websocket.MessageBinary, m.Append(nil)); err != nil {
			t.Fatal(err)
		}
	}
	write(&protocol.Hello{Version: protocol.Version, Name: "viewer", Identity: servertest.Guest(t, st.URL)})
	var snap protocol.Snapshot
	for snap.Tick < 30 { // half a second in: room for an honest view 20 ticks back
		_, b, err := ws.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if typ, _ := protocol.PeekType(b); typ == protocol.MsgSnapshot {
			if err := snap.Decode(b); err != nil {
				t.Fatal(err)
			}
		}
	}
	go func() { // keep reading, as a client does
		for {
			if _, _, err := ws.Read(ctx); err != nil {
				return
			}
		}
	}()
	honestView := snap.Tick - 20
	write(&protocol.Input{Seq: 1, Ack: snap.Tick, View: honestView, MoveX: 1})
	time.Sleep(100 * time.Millisecond) // applied before the next one
	write(&protocol.Input{Seq: 2, Ack: snap.Tick + 100000, View: snap.Tick + 100000, MoveX: 2})
	time.Sleep(100 * time.Millisecond)
	ws.Close(websocket.StatusNormalClosure, "")
	st.Stop() // ends the match: the recording is complete

	files, _ := filepath.Glob(filepath.Join(dir, "*"+record.Ext))
	if len(files) != 1 {
		t.Fatalf("recordings %v", files)
	}
	f, err := os.Open(files[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rec, err := replay.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, s := range rec.Steps {
		for _, in := range s.Inputs {
			switch in.Input.MoveX {
			case 1:
				found |= 1
				if want := s.Tick - honestView; uint32(in.Input.Rewind) != want {
					t.Errorf("honest view at tick %d: rewind %d, want %d", s.Tick, in.Input.Rewind, want)
				}
			case 2:
				found |= 2
				if r := in.Input.Rewind; r < 1 || r > 10 {
					t.Errorf("a view and ack from the future at tick %d: rewind %d, want the ticks since the newest snapshot written (1 to 10)", s.Tick, r)
				}
			}
		}
	}
	if found != 3 {
		t.Fatalf("inputs recorded: %b, want both", found)
	}
}
