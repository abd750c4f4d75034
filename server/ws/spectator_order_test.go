package ws

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/match"
)

// A spectator never gets an event of tick <= T after the frame of tick T:
// the sender takes the frame before it drains the reliable queue, as it
// does the players' view (a second reviewer's race: the frame was taken
// after the drain, and a sender woken by a Pong could write frame T ahead
// of tick T's events, which the client then counted twice).
func TestSpectatorEventsNeverFollowTheirFrame(t *testing.T) {
	scene, counts := spectatorScene(1)
	h, s, cli := wiredSession(t)

	violations := make(chan string, 1)
	go func() { // client
		var snap protocol.Snapshot
		var ev protocol.Event
		last := uint32(0)
		for {
			_, b, err := cli.Read(context.Background())
			if err != nil {
				return
			}
			typ, _ := protocol.PeekType(b)
			switch typ {
			case protocol.MsgSnapshot:
				if snap.Decode(b) == nil {
					last = snap.Tick
				}
			case protocol.MsgEvent:
				if ev.Decode(b) == nil && ev.Tick <= last {
					select {
					case violations <- fmt.Sprintf("event of tick %d after the frame of tick %d", ev.Tick, last):
					default:
					}
				}
			}
		}
	}()
	defer sendFreely(s)()
	deadline := time.Now().Add(time.Second)
	for i := uint32(1); time.Now().Before(deadline); i++ { // tick: showSpectators' order
		v := match.NewView(i, scene[0][:2], counts, 0)
		h.Audience().Show(v, nil, [][]byte{(&protocol.Event{Tick: i}).Append(nil)}, []match.Spectator{s})
		v.Release()
		select {
		case msg := <-violations:
			t.Fatalf("after %d frames: %s", i, msg)
		default:
		}
		time.Sleep(20 * time.Microsecond)
	}
}

// A spectator's delayed messages keep their place among its frames
// whatever the sender does: those shown with frame T come after every
// frame before T, and those shown after frame T alone (a Leave, the
// MatchEnd) come after frame T (or, if it was skipped, before the next).
// A message only held for a frame in flight was written ahead of it.
func TestSpectatorMessagesKeepTheirPlace(t *testing.T) {
	scene, counts := spectatorScene(1)
	h, s, cli := wiredSession(t)
	s.watcher.Store(true)

	violations := make(chan string, 1)
	violate := func(msg string) {
		select {
		case violations <- msg:
		default:
		}
	}
	frames := atomic.Int64{}
	go func() { // client
		var snap protocol.Snapshot
		var ev protocol.Event
		var leave protocol.Leave
		var maxEvent, maxPost uint32
		for {
			_, b, err := cli.Read(context.Background())
			if err != nil {
				return
			}
			typ, _ := protocol.PeekType(b)
			switch typ {
			case protocol.MsgSnapshot:
				if snap.Decode(b) != nil {
					continue
				}
				frames.Add(1)
				if snap.Tick < maxEvent {
					violate(fmt.Sprintf("the frame of tick %d after an event of tick %d, shown with a later frame", snap.Tick, maxEvent))
				}
				if snap.Tick <= maxPost {
					violate(fmt.Sprintf("the frame of tick %d after a message shown after it", snap.Tick))
				}
			case protocol.MsgEvent:
				if ev.Decode(b) == nil {
					maxEvent = max(maxEvent, ev.Tick)
				}
			case protocol.MsgLeave:
				if leave.Decode(b) == nil {
					maxPost = max(maxPost, leave.Player)
				}
			}
		}
	}()
	defer sendFreely(s)()
	deadline := time.Now().Add(time.Second)
	for i := uint32(1); time.Now().Before(deadline); i++ { // tick
		v := match.NewView(i, scene[0][:2], counts, 0)
		h.Audience().Show(v, nil, [][]byte{(&protocol.Event{Tick: i}).Append(nil)}, []match.Spectator{s})
		v.Release()
		h.Audience().Show(nil, nil, [][]byte{(&protocol.Leave{Player: i}).Append(nil)}, []match.Spectator{s})
		select {
		case msg := <-violations:
			t.Fatalf("after %d frames shown: %s", i, msg)
		default:
		}
		time.Sleep(20 * time.Microsecond)
	}
	if frames.Load() == 0 {
		t.Fatal("no frame reached the client")
	}
}

// wiredSession is a session on a real connection from a coder/websocket
// client, with the server's own batchConn under it, for tests that drive
// its sender themselves: marked running, it is never queued to the pool.
func wiredSession(t *testing.T) (*Handler, *session, *websocket.Conn) {
	t.Helper()
	h := New(nil, &Options{ReliableQueue: 1 << 16})
	out, cli := upgradedConn(t, h)
	cli.SetReadLimit(1 << 24)
	s := newSession(h)
	s.out = out
	s.sendState.Store(sendRunning)
	return h, s, cli
}

// upgradedConn is a WebSocket upgraded by h's hijacker over loopback: the
// server's side of it, and the client's. Both are let go of when the test
// ends.
func upgradedConn(t *testing.T, h *Handler) (*batchConn, *websocket.Conn) {
	t.Helper()
	srvConn := make(chan *batchConn, 1)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lean := &leanHijacker{ResponseWriter: w, batches: &h.batches}
		if _, err := websocket.Accept(lean, r, nil); err != nil {
			return
		}
		srvConn <- lean.conn
		<-release
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	cli, _, err := websocket.Dial(context.Background(), "ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.CloseNow() })
	return <-srvConn, cli
}

// sendFreely runs s's sending over and over on a goroutine of its own, at
// any moment, as a sender woken by a Pong would; the function it returns
// stops it and waits.
func sendFreely(s *session) (stop func()) {
	var done atomic.Bool
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		w := &senderScratch{}
		for !done.Load() {
			s.fillBatch(w)
		}
	}()
	return func() { done.Store(true); <-sent }
}
