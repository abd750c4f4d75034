package server_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// received is one message a test client read, when it read it.
type received struct {
	at   time.Time
	typ  protocol.MsgType
	msg  []byte
	tick uint32 // a snapshot's
}

// recordAll reads c until it closes, keeping every message with its time.
func recordAll(c *websocket.Conn) (got func() ([]received, error), done chan struct{}) {
	var mu sync.Mutex
	var msgs []received
	var end error
	done = make(chan struct{})
	go func() {
		defer close(done)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		var snap protocol.Snapshot
		for {
			_, b, err := c.Read(ctx)
			if err != nil {
				mu.Lock()
				end = err
				mu.Unlock()
				return
			}
			r := received{at: time.Now(), msg: b}
			r.typ, _ = protocol.PeekType(b)
			if r.typ == protocol.MsgSnapshot && snap.Decode(b) == nil {
				r.tick = snap.Tick
			}
			mu.Lock()
			msgs = append(msgs, r)
			mu.Unlock()
		}
	}()
	return func() ([]received, error) {
		mu.Lock()
		defer mu.Unlock()
		return append([]received(nil), msgs...), end
	}, done
}

func indexOf(msgs []received, typ protocol.MsgType) int {
	for i, r := range msgs {
		if r.typ == typ {
			return i
		}
	}
	return -1
}

// TestSpectatorGetsTheLeaveAndTheEndDelayed: over real connections, a
// player's leave and the match's end reach a spectator the delay after
// they reached a player, each after the snapshots made before it; the
// spectator sees the match to its last tick, then its MatchEnd and a
// close.
func TestSpectatorGetsTheLeaveAndTheEndDelayed(t *testing.T) {
	const delay = 500 * time.Millisecond
	st := servertest.StartStack(t, setupOptions(server.Options{SpectateDelay: delay, ResumeGrace: -1}))
	srv, url := st.Server, st.URL
	c1 := dial(t, url)
	handshake(t, c1, "p1")
	c2 := dial(t, url)
	handshake(t, c2, "p2")
	servertest.WaitFor(t, "the match", func() bool { return len(srv.Matches()) == 1 && srv.Matches()[0].Players == 2 })
	id := srv.Matches()[0].ID
	live, liveDone := recordAll(c2)
	sc := dial(t, url)
	startSpectating(t, sc, id)
	watched, watchDone := recordAll(sc)
	servertest.WaitForWithin(t, 20*time.Second, "the spectator's snapshots", func() bool {
		m, _ := watched()
		return len(m) > 10
	})

	c1.Close(websocket.StatusNormalClosure, "bye") // p1 leaves: its seat goes
	servertest.WaitFor(t, "the leave to reach p2", func() bool {
		m, _ := live()
		return indexOf(m, protocol.MsgLeave) >= 0
	})
	time.Sleep(200 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	go srv.Drain(ctx) // its deadline ends the match with a MatchEnd

	select {
	case <-watchDone:
	case <-time.After(20 * time.Second):
		t.Fatal("the spectator was not closed after the match ended")
	}
	<-liveDone
	lm, _ := live()
	wm, werr := watched()
	var ce websocket.CloseError
	if !errors.As(werr, &ce) || ce.Code != protocol.CloseGoingAway {
		t.Errorf("the spectator ended with %v, want the match's close (1001, the drain's)", werr)
	}
	for _, typ := range []protocol.MsgType{protocol.MsgLeave, protocol.MsgMatchEnd} {
		li, wi := indexOf(lm, typ), indexOf(wm, typ)
		if li < 0 || wi < 0 {
			t.Fatalf("message type %d: the player got it at %d, the spectator at %d", typ, li, wi)
		}
		// A player gets it with its next snapshot, within 1/30 s.
		if lag := wm[wi].at.Sub(lm[li].at); lag < delay-100*time.Millisecond {
			t.Errorf("message type %d reached the spectator %v after the player, want about the delay %v", typ, lag, delay)
		}
		// What the player was sent before it was made before it: the
		// spectator must have every such snapshot before it too, and
		// none made after it.
		lastBefore := uint32(0)
		for _, r := range lm[:li] {
			if r.typ == protocol.MsgSnapshot {
				lastBefore = max(lastBefore, r.tick)
			}
		}
		sawBefore := false
		for _, r := range wm[:wi] {
			if r.typ == protocol.MsgSnapshot && r.tick >= lastBefore {
				sawBefore = true
			}
		}
		if !sawBefore {
			t.Errorf("message type %d reached the spectator before the snapshot of tick %d, made before it", typ, lastBefore)
		}
	}
	var end protocol.MatchEnd
	if err := end.Decode(wm[indexOf(wm, protocol.MsgMatchEnd)].msg); err != nil {
		t.Fatal(err)
	}
	lastTick := uint32(0)
	for _, r := range wm[:indexOf(wm, protocol.MsgMatchEnd)] {
		if r.typ == protocol.MsgSnapshot {
			lastTick = r.tick
		}
	}
	if lastTick != end.Tick {
		t.Errorf("the spectator's last snapshot is of tick %d, the match ended at %d: want the last delay played out", lastTick, end.Tick)
	}
}
