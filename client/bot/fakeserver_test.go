package bot

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// fakeServer is a small stand-in for a Skirmish server: one match at a time
// ticking at 60 Hz with a snapshot every second tick, players moving by
// their inputs (and a slow drift), the lowest player scoring every second, and a match that
// can end after a while. Tests tune it through the fields set before start.
type fakeServer struct {
	t   *testing.T
	srv *servertest.Scripted

	matchTicks uint32 // end each match after this many ticks; 0: never
	refuse     int    // refuse this many connections with 1013
	resumes    int    // Hellos that came with a resume token

	mu      sync.Mutex
	players map[uint32]*fakePlayer
	nextID  uint32
	tick    uint32
	begun   uint32 // tick the current match began
	kicks   []uint32

	stop chan struct{}
	wg   sync.WaitGroup
}

type fakePlayer struct {
	id       uint32
	ws       *websocket.Conn
	x, y     int32
	score    int32
	seq      uint32
	base     []protocol.Entity
	baseTick uint32
}

var fakeKinds = []protocol.KindSchema{
	{Name: "player", Fields: []string{"x", "y", "aim", "hp", "score", "deaths"}},
	{Name: "bullet", Fields: []string{"x0", "y0", "dir", "tick0", "owner"}},
}

func newFakeServer(t *testing.T, configure func(*fakeServer)) *fakeServer {
	fs := &fakeServer{t: t, players: map[uint32]*fakePlayer{}, stop: make(chan struct{})}
	if configure != nil {
		configure(fs)
	}
	fs.srv = servertest.NewScripted(t, fs.play)
	fs.wg.Go(fs.loop)
	t.Cleanup(fs.close)
	return fs
}

func (fs *fakeServer) url() string { return fs.srv.URL }

func (fs *fakeServer) close() {
	close(fs.stop)
	fs.mu.Lock()
	for _, p := range fs.players {
		p.ws.CloseNow()
	}
	fs.mu.Unlock()
	fs.srv.Close()
	fs.wg.Wait()
}

// kick closes player id's connection with 1011 at the next tick.
func (fs *fakeServer) kick(id uint32) {
	fs.mu.Lock()
	fs.kicks = append(fs.kicks, id)
	fs.mu.Unlock()
}

// play plays one connection after its Hello.
func (fs *fakeServer) play(ctx context.Context, ws *websocket.Conn, hello protocol.Hello) error {
	fs.mu.Lock()
	if fs.refuse > 0 {
		fs.refuse--
		fs.mu.Unlock()
		ws.Close(protocol.CloseTryAgainLater, "no free seat")
		return nil
	}
	if hello.Resume != "" {
		fs.resumes++
	}
	fs.nextID++
	p := &fakePlayer{id: fs.nextID, ws: ws, x: int32(fs.nextID) * 400, y: 4000}
	welcome := protocol.Welcome{Version: protocol.Version, Player: p.id, Match: "m", TickRate: 60, SnapshotRate: 30, Kinds: fakeKinds,
		Resume: fmt.Sprintf("seat-%d", p.id)}
	msgs := [][]byte{welcome.Append(nil)}
	for _, o := range fs.players {
		msgs = append(msgs, (&protocol.Join{Player: o.id, Name: "x"}).Append(nil))
	}
	// Written under the lock, so no snapshot can overtake the Welcome.
	for _, m := range msgs {
		if err := ws.Write(ctx, websocket.MessageBinary, m); err != nil {
			fs.mu.Unlock()
			return nil
		}
	}
	fs.players[p.id] = p
	fs.mu.Unlock()
	defer func() {
		fs.mu.Lock()
		if fs.players[p.id] == p {
			delete(fs.players, p.id)
		}
		fs.mu.Unlock()
	}()

	var in protocol.Input
	for {
		_, b, err := ws.Read(ctx)
		if err != nil {
			return nil
		}
		if err := in.Decode(b); err != nil {
			ws.Close(protocol.CloseInvalidPayload, err.Error())
			return nil
		}
		fs.mu.Lock()
		p.x += int32(in.MoveX) / 8
		p.y += int32(in.MoveY) / 8
		p.seq = in.Seq
		fs.mu.Unlock()
	}
}

// send is one message for one player, written outside the lock.
type send struct {
	ws     *websocket.Conn
	msg    []byte
	close  websocket.StatusCode
	reason string
}

func (fs *fakeServer) loop() {
	counts, err := protocol.NewFieldCounts(fakeKinds)
	if err != nil {
		panic(err)
	}
	t := time.NewTicker(time.Second / 30)
	defer t.Stop()
	for {
		select {
		case <-fs.stop:
			return
		case <-t.C:
		}
		for _, s := range fs.step(counts) {
			if s.close != 0 {
				fs.wg.Go(func() { s.ws.Close(s.close, s.reason) })
				continue
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			s.ws.Write(ctx, websocket.MessageBinary, s.msg)
			cancel()
		}
	}
}

// step advances the match by two ticks and returns what to send.
func (fs *fakeServer) step(counts *protocol.FieldCounts) []send {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.tick += 2
	var out []send
	for _, id := range fs.kicks {
		if p := fs.players[id]; p != nil {
			delete(fs.players, id)
			out = append(out, send{ws: p.ws, close: websocket.StatusInternalError, reason: "kicked"})
		}
	}
	fs.kicks = nil

	var view []protocol.Entity
	var lowest *fakePlayer
	for id := uint32(1); id <= fs.nextID; id++ {
		p := fs.players[id]
		if p == nil {
			continue
		}
		if lowest == nil {
			lowest = p
		}
		p.x++ // everyone drifts, so even a bot standing still is seen moving
		view = append(view, protocol.Entity{ID: id, Fields: [protocol.MaxFields]int32{p.x, p.y, 0, 100, p.score, 0}})
	}
	if lowest != nil && fs.tick%60 == 0 {
		lowest.score++
		ev := protocol.Event{Tick: fs.tick, Kind: 3, Actor: lowest.id, Value: lowest.score}
		for _, p := range fs.players {
			out = append(out, send{ws: p.ws, msg: ev.Append(nil)})
		}
	}
	for _, p := range fs.players {
		var msg []byte
		if p.base == nil {
			msg = protocol.AppendSnapshot(nil, fs.tick, 0, p.seq, nil, view, counts)
		} else {
			msg = protocol.AppendSnapshot(nil, fs.tick, p.baseTick, p.seq, p.base, view, counts)
		}
		p.base, p.baseTick = view, fs.tick
		out = append(out, send{ws: p.ws, msg: msg})
	}
	if fs.matchTicks > 0 && fs.tick-fs.begun >= fs.matchTicks {
		end := (&protocol.MatchEnd{Tick: fs.tick, Reason: "time_limit"}).Append(nil)
		for id, p := range fs.players {
			out = append(out, send{ws: p.ws, msg: end}, send{ws: p.ws, close: websocket.StatusNormalClosure, reason: "match over"})
			delete(fs.players, id)
		}
		fs.begun = fs.tick
	}
	return out
}
