package clientnet

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// connPlan is what the seat server does with one connection.
type connPlan struct {
	refuse    websocket.StatusCode // close right after Hello with this code; 0: accept
	snapshots int                  // snapshots sent after Welcome
	// How the connection ends after the snapshots: drop it (no close
	// handshake), close it with endCode (after a MatchEnd when matchEnd),
	// or hold it until the client goes.
	drop     bool
	endCode  websocket.StatusCode
	matchEnd bool
	loseSeat bool // the seat is gone once this connection ends
	// stall: after the snapshots, send nothing for this long (reading
	// nothing either), then send more snapshots before ending as planned.
	stall time.Duration
	more  int
	// takeOver: a resume of a seat still held by a connection takes it
	// (as the real server does) instead of being refused.
	takeOver bool
}

// seatServer is a small Skirmish server for reconnection tests: it hands
// out seats with resume tokens, gives a seat back to a Hello carrying its
// token while no connection holds it (4004 otherwise), and plays each
// connection by the plan for its number (1 for the first).
type seatServer struct {
	t    *testing.T
	fs   *servertest.Scripted
	plan func(n int) connPlan

	mu      sync.Mutex
	conns   int
	hellos  []protocol.Hello
	seats   map[string]uint32
	active  map[string]bool
	lost    map[string]bool
	players uint32
	tick    uint32
	closes  chan websocket.StatusCode // how held connections ended
	inputs  chan protocol.Input       // inputs read on held connections
}

func newSeatServer(t *testing.T, plan func(n int) connPlan) *seatServer {
	s := &seatServer{t: t, plan: plan, seats: map[string]uint32{}, active: map[string]bool{}, lost: map[string]bool{}, closes: make(chan websocket.StatusCode, 16), inputs: make(chan protocol.Input, 1024)}
	s.fs = servertest.NewScripted(t, s.script)
	return s
}

func (s *seatServer) url() string { return s.fs.URL }

// take decides who a Hello is; ok false means refused (already closed).
func (s *seatServer) take(ws *websocket.Conn, hello protocol.Hello) (player uint32, token string, plan connPlan, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conns++
	s.hellos = append(s.hellos, hello)
	plan = s.plan(s.conns)
	if plan.refuse != 0 {
		ws.Close(plan.refuse, "refused by plan")
		return 0, "", plan, false
	}
	token = hello.Resume
	if token == "" {
		s.players++
		player, token = s.players, fmt.Sprintf("tok-%d", s.players)
		s.seats[token] = player
	} else if p, known := s.seats[token]; known && (!s.active[token] || plan.takeOver) && !s.lost[token] {
		player = p
	} else {
		ws.Close(protocol.CloseBadResume, "unknown or expired resume token")
		return 0, "", plan, false
	}
	s.active[token] = true
	return player, token, plan, true
}

func (s *seatServer) script(ctx context.Context, ws *websocket.Conn, hello protocol.Hello) error {
	player, token, plan, ok := s.take(ws, hello)
	if !ok {
		return nil
	}
	defer func() {
		s.mu.Lock()
		s.active[token] = false
		s.lost[token] = plan.loseSeat
		s.mu.Unlock()
	}()
	w := testWelcome()
	w.Player, w.Resume = player, token
	if err := send(ctx, ws, w); err != nil {
		return nil // the client went away: fine for these tests
	}
	counts := testCounts(s.t)
	var prev []protocol.Entity
	var prevTick uint32
	snapshots := func(n int) error {
		for range n {
			s.mu.Lock()
			s.tick += 2
			tick := s.tick
			s.mu.Unlock()
			view := []protocol.Entity{playerAt(player, int32(tick)), playerAt(player+100, 0)}
			msg := protocol.AppendSnapshot(nil, tick, 0, 0, nil, view, counts)
			if prev != nil {
				msg = protocol.AppendSnapshot(nil, tick, prevTick, 0, prev, view, counts)
			}
			if err := ws.Write(ctx, websocket.MessageBinary, msg); err != nil {
				return err
			}
			prev, prevTick = view, tick
			if plan.stall > 0 {
				time.Sleep(time.Second / 30) // at the snapshot rate, so the client sees a rhythm
			}
		}
		return nil
	}
	if snapshots(plan.snapshots) != nil {
		return nil
	}
	if plan.stall > 0 {
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(plan.stall):
		}
		if snapshots(plan.more) != nil {
			return nil
		}
	}
	switch {
	case plan.drop:
		return nil // the fake server drops the connection without a handshake
	case plan.endCode != 0:
		if plan.matchEnd {
			send(ctx, ws, &protocol.MatchEnd{Tick: prevTick, Reason: "score_limit", Winner: player})
		}
		ws.Close(plan.endCode, "ended by plan")
		return nil
	}
	for { // hold: until the client goes
		_, b, err := ws.Read(ctx)
		if err != nil {
			s.closes <- websocket.CloseStatus(err)
			return nil
		}
		var in protocol.Input
		if typ, _ := protocol.PeekType(b); typ == protocol.MsgInput && in.Decode(b) == nil {
			select {
			case s.inputs <- in:
			default:
			}
		}
	}
}

func playerAt(id uint32, x int32) protocol.Entity {
	return protocol.Entity{ID: id, Kind: 0, Fields: [protocol.MaxFields]int32{x, 10, 0, 100}}
}

// recorder collects a Client's state changes and wakes tests on each.
type recorder struct {
	mu     sync.Mutex
	states []StateChange
	ch     chan StateChange
}

func newRecorder() *recorder { return &recorder{ch: make(chan StateChange, 256)} }

func (r *recorder) onState(s StateChange) {
	r.mu.Lock()
	r.states = append(r.states, s)
	r.mu.Unlock()
	select {
	case r.ch <- s:
	default:
		panic("recorder: channel full")
	}
}

// wait returns the next state change in want, failing after a generous
// guard time (it never decides a result: the events decide).
func (r *recorder) wait(t *testing.T, want State) StateChange {
	t.Helper()
	guard := time.NewTimer(20 * time.Second)
	defer guard.Stop()
	for {
		select {
		case s := <-r.ch:
			if s.State == want {
				return s
			}
			if s.State == StateClosed && want != StateClosed {
				t.Fatalf("closed while waiting for %v: %v", want, s.Err)
			}
		case <-guard.C:
			t.Fatalf("no %v state", want)
		}
	}
}

func (r *recorder) all() []StateChange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]StateChange(nil), r.states...)
}

// sleepRecorder stands in for ClientOptions.Sleep: it records the waits
// and advances a fake clock instead of sleeping.
type sleepRecorder struct {
	mu     sync.Mutex
	delays []time.Duration
	clock  *fakeClock
}

func (s *sleepRecorder) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.delays = append(s.delays, d)
	s.mu.Unlock()
	if s.clock != nil {
		s.clock.Advance(d)
	}
	return ctx.Err()
}

func (s *sleepRecorder) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.delays...)
}

// checkNoClientGoroutines fails when a goroutine of a Client is still
// there: Close must have waited for all of them.
func checkNoClientGoroutines(t *testing.T) {
	t.Helper()
	buf := make([]byte, 1<<20)
	for range 1000 {
		n := runtime.Stack(buf, true)
		if !bytes.Contains(buf[:n], []byte("clientnet.(*Client)")) {
			return
		}
		runtime.Gosched() // one may be returning from its last deferred call
	}
	n := runtime.Stack(buf, true)
	t.Fatalf("Client goroutines left after Close:\n%s", buf[:n])
}
