package clientnet

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/protocol"
)

func TestBackoffCap(t *testing.T) {
	for _, c := range []struct {
		attempt int
		want    time.Duration
	}{
		{1, 250 * time.Millisecond}, {2, 500 * time.Millisecond}, {3, time.Second},
		{4, 2 * time.Second}, {5, 4 * time.Second}, {6, 5 * time.Second}, {40, 5 * time.Second},
	} {
		if got := backoffCap(c.attempt, DefaultBackoffMin, DefaultBackoffMax); got != c.want {
			t.Errorf("backoffCap(%d) = %v, want %v", c.attempt, got, c.want)
		}
	}
}

// Full jitter spreads waits over the whole window, never beyond it.
func TestFullJitter(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const cap = time.Second
	lo, hi := cap, time.Duration(0)
	for range 2000 {
		d := fullJitter(rng, cap)
		if d < 0 || d > cap {
			t.Fatalf("wait %v outside [0, %v]", d, cap)
		}
		lo, hi = min(lo, d), max(hi, d)
	}
	if lo > cap/20 || hi < cap*19/20 {
		t.Fatalf("waits span only [%v, %v]", lo, hi)
	}
}

// A dropped connection is dialled again with growing, jittered waits, and
// the resume token takes back the same seat; the interpolation restarts
// on the resumed connection's full snapshot.
func TestClientReconnectsAndResumes(t *testing.T) {
	ss := newSeatServer(t, func(n int) connPlan {
		switch n {
		case 1:
			return connPlan{snapshots: 3, drop: true}
		case 2, 3, 4:
			return connPlan{refuse: protocol.CloseTryAgainLater}
		}
		return connPlan{snapshots: 2}
	})
	rec := newRecorder()
	sl := &sleepRecorder{}
	snaps := make(chan uint32, 64)
	c := Open(t.Context(), ss.url(), &ClientOptions{
		Dial:         DialOptions{Name: "ann"},
		OnState:      rec.onState,
		Sleep:        sl.sleep,
		Rand:         rand.New(rand.NewPCG(7, 7)),
		PingInterval: -1,
		OnMessage: func(conn *Conn, typ protocol.MsgType) {
			if typ == protocol.MsgSnapshot {
				snaps <- conn.Replica().Tick()
			}
		},
	})
	defer c.Close()

	first := rec.wait(t, StateConnected)
	if first.Player != 1 || first.Resumed {
		t.Fatalf("first connection %+v", first)
	}
	second := rec.wait(t, StateConnected)
	if second.Player != first.Player || second.Match != first.Match || !second.Resumed {
		t.Fatalf("after the drop: %+v, want player %d resumed", second, first.Player)
	}
	// The resumed connection's snapshots (ticks 8 and 10) make the new
	// timeline; nothing of the old connection's stays.
	for tick := range snaps {
		if tick == 10 {
			break
		}
	}
	if n, newest := c.Interpolator().Buffered(); n != 2 || newest != 10 {
		t.Fatalf("interpolator holds %d snapshots up to %d, want the 2 of the new connection", n, newest)
	}
	got := c.Interpolator().SampleAt(10, nil)
	if len(got) != 2 || got[0].ID != 1 || got[0].Fields[0] != 10 {
		t.Fatalf("sample %+v", got)
	}

	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	checkNoClientGoroutines(t)
	if !errors.Is(c.Err(), ErrClientClosed) {
		t.Fatalf("Err %v, want ErrClientClosed", c.Err())
	}

	// Hellos: a new seat, then its token every time.
	ss.mu.Lock()
	var tokens []string
	for _, h := range ss.hellos {
		tokens = append(tokens, h.Resume)
	}
	ss.mu.Unlock()
	if !slices.Equal(tokens, []string{"", "tok-1", "tok-1", "tok-1", "tok-1"}) {
		t.Fatalf("resume tokens sent %q", tokens)
	}
	if code := <-ss.closes; code != websocket.StatusNormalClosure {
		t.Fatalf("the server saw the last connection end with %v, want a normal close", code)
	}

	// Waits: one per failed attempt, jittered within the doubling cap, and
	// exactly the draws of the injected generator.
	delays := sl.all()
	rng := rand.New(rand.NewPCG(7, 7))
	var want []time.Duration
	for attempt := 1; attempt <= 4; attempt++ {
		cap := backoffCap(attempt, DefaultBackoffMin, DefaultBackoffMax)
		if d := delays[attempt-1]; d < 0 || d > cap {
			t.Errorf("wait %d is %v, outside [0, %v]", attempt, d, cap)
		}
		want = append(want, fullJitter(rng, cap))
	}
	if !slices.Equal(delays, want) {
		t.Fatalf("waits %v, want %v", delays, want)
	}

	// States: connecting, connected, four waits, connected, closed.
	var seq []State
	for _, s := range rec.all() {
		seq = append(seq, s.State)
		if s.State == StateReconnecting && (s.Err == nil || s.Delay != delays[s.Attempt-1]) {
			t.Errorf("reconnecting state %+v", s)
		}
	}
	wantSeq := []State{StateConnecting, StateConnected, StateReconnecting, StateReconnecting,
		StateReconnecting, StateReconnecting, StateConnected, StateClosed}
	if !slices.Equal(seq, wantSeq) {
		t.Fatalf("states %v, want %v", seq, wantSeq)
	}
}

// Closes that reconnecting cannot help end the session, reported with the
// server's close status, and nothing is dialled again.
func TestClientFinalCloses(t *testing.T) {
	for _, c := range []struct {
		name string
		plan connPlan
		code websocket.StatusCode
	}{
		{"match over", connPlan{snapshots: 2, endCode: protocol.CloseNormal, matchEnd: true}, protocol.CloseNormal},
		{"bad version", connPlan{refuse: protocol.CloseBadVersion}, protocol.CloseBadVersion},
		{"protocol error", connPlan{snapshots: 1, endCode: protocol.CloseUnexpected}, protocol.CloseUnexpected},
	} {
		t.Run(c.name, func(t *testing.T) {
			ss := newSeatServer(t, func(int) connPlan { return c.plan })
			rec := newRecorder()
			sl := &sleepRecorder{}
			cl := Open(t.Context(), ss.url(), &ClientOptions{OnState: rec.onState, Sleep: sl.sleep, PingInterval: -1})
			end := rec.wait(t, StateClosed)
			<-cl.Done()
			if got := websocket.CloseStatus(end.Err); got != c.code {
				t.Fatalf("closed with %v (status %d), want status %d", end.Err, got, c.code)
			}
			if cl.Err() != end.Err {
				t.Fatalf("Err %v, state %v", cl.Err(), end.Err)
			}
			cl.Close()
			checkNoClientGoroutines(t)
			ss.mu.Lock()
			conns := ss.conns
			ss.mu.Unlock()
			if conns != 1 || len(sl.all()) != 0 {
				t.Fatalf("%d connections, waits %v: reconnected after a final close", conns, sl.all())
			}
		})
	}
}

// A resume refused right after a drop is retried (the server may not have
// seen the drop); refused once the seat is surely gone (ResumeRetry after
// the drop), it ends the session, or with NewSeat starts over as a new
// player.
func TestClientResumeRefused(t *testing.T) {
	const resumeRetry = 2 * time.Second
	for _, newSeat := range []bool{false, true} {
		t.Run(map[bool]string{false: "stop", true: "new seat"}[newSeat], func(t *testing.T) {
			ss := newSeatServer(t, func(n int) connPlan {
				if n == 1 {
					return connPlan{snapshots: 1, drop: true, loseSeat: true}
				}
				return connPlan{snapshots: 1}
			})
			clock := &fakeClock{t: time.Unix(5000, 0)}
			rec := newRecorder()
			sl := &sleepRecorder{clock: clock}
			c := Open(t.Context(), ss.url(), &ClientOptions{
				Dial:    DialOptions{Now: clock.Now},
				OnState: rec.onState, Sleep: sl.sleep, NewSeat: newSeat, PingInterval: -1, ResumeRetry: resumeRetry,
				BackoffMin: time.Second, Rand: rand.New(rand.NewPCG(3, 3)),
			})
			defer c.Close()
			if first := rec.wait(t, StateConnected); first.Player != 1 {
				t.Fatalf("first connection %+v", first)
			}
			var end StateChange
			if newSeat {
				end = rec.wait(t, StateConnected)
				if end.Player != 2 || end.Resumed {
					t.Fatalf("connected again as %+v, want a new player", end)
				}
			} else {
				end = rec.wait(t, StateClosed)
				if websocket.CloseStatus(end.Err) != protocol.CloseBadResume {
					t.Fatalf("closed with %v, want the 4004 close", end.Err)
				}
			}
			// Wait i precedes dial i+1 (the first after the drop); dial n
			// is the first refused ResumeRetry or more after the drop.
			waits := sl.all()
			var sum time.Duration
			n := 0
			for n < len(waits) && sum < resumeRetry {
				sum += waits[n]
				n++
			}
			if sum < resumeRetry || sum-waits[n-1] >= resumeRetry || n < 2 {
				t.Fatalf("waits %v: the seat was given up after %d dials", waits, n)
			}
			wantWaits := n
			if newSeat {
				wantWaits++ // then one more before the new seat's dial
			}
			if len(waits) != wantWaits {
				t.Fatalf("%d waits (%v), want %d", len(waits), waits, wantWaits)
			}
			ss.mu.Lock()
			defer ss.mu.Unlock()
			if len(ss.hellos) != wantWaits+1 || ss.hellos[wantWaits].Resume != map[bool]string{false: "tok-1", true: ""}[newSeat] {
				t.Fatalf("hellos %+v", ss.hellos)
			}
		})
	}
}

// A Client gives up after MaxAttempts failed dials in a row; SendInput
// while not connected says so instead of blocking.
func TestClientSendInputNotConnected(t *testing.T) {
	ss := newSeatServer(t, func(int) connPlan { return connPlan{refuse: protocol.CloseTryAgainLater} })
	rec := newRecorder()
	c := Open(t.Context(), ss.url(), &ClientOptions{OnState: rec.onState, Sleep: (&sleepRecorder{}).sleep, MaxAttempts: 2, PingInterval: -1})
	end := rec.wait(t, StateClosed)
	if !errors.Is(end.Err, ErrGaveUp) || websocket.CloseStatus(end.Err) != protocol.CloseTryAgainLater {
		t.Fatalf("closed with %v, want ErrGaveUp wrapping the 1013 close", end.Err)
	}
	if _, err := c.SendInput(t.Context(), protocol.Input{}); !errors.Is(err, ErrNotConnected) {
		t.Fatalf("SendInput: %v", err)
	}
	c.Close()
	checkNoClientGoroutines(t)
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.conns != 2 {
		t.Fatalf("%d dials with MaxAttempts 2", ss.conns)
	}
}

// The first dial sends the token of DialOptions.Resume (a seat a matchmaker
// assigned); the seat it takes is then resumed like any other.
func TestClientFirstDialUsesAssignedToken(t *testing.T) {
	ss := newSeatServer(t, func(n int) connPlan {
		if n == 1 {
			return connPlan{snapshots: 1, drop: true}
		}
		return connPlan{snapshots: 1}
	})
	ss.mu.Lock()
	ss.seats["mm-7"] = 7
	ss.mu.Unlock()
	rec := newRecorder()
	c := Open(t.Context(), ss.url(), &ClientOptions{
		Dial:    DialOptions{Resume: "mm-7"},
		OnState: rec.onState, Sleep: (&sleepRecorder{}).sleep, PingInterval: -1,
	})
	defer c.Close()
	if s := rec.wait(t, StateConnected); s.Player != 7 || s.Resumed {
		t.Fatalf("first connection %+v, want player 7 of the assigned seat", s)
	}
	if s := rec.wait(t, StateConnected); s.Player != 7 || !s.Resumed {
		t.Fatalf("after the drop %+v, want player 7 resumed", s)
	}
	c.Close()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if len(ss.hellos) != 2 || ss.hellos[0].Resume != "mm-7" || ss.hellos[1].Resume != "mm-7" {
		t.Fatalf("hellos %+v", ss.hellos)
	}
}

// With no input from the game, the Client still sends inputs now and then,
// so the server sees its snapshot acknowledgements move; once the game has
// sent one, that one is repeated.
func TestClientKeepAlive(t *testing.T) {
	ss := newSeatServer(t, func(int) connPlan { return connPlan{snapshots: 3} })
	rec := newRecorder()
	c := Open(t.Context(), ss.url(), &ClientOptions{OnState: rec.onState, PingInterval: -1, KeepAlive: 5 * time.Millisecond})
	defer c.Close()
	rec.wait(t, StateConnected)
	for in := range ss.inputs {
		if in.MoveX != 0 || in.Buttons != 0 {
			t.Fatalf("keep-alive before any game input: %+v", in)
		}
		if in.Ack == 6 { // the three snapshots, ticks 2, 4 and 6
			break
		}
	}
	sent, err := c.SendInput(t.Context(), protocol.Input{MoveX: 50, Aim: 99})
	if err != nil {
		t.Fatal(err)
	}
	for in := range ss.inputs {
		if in.Seq > sent {
			if in.MoveX != 50 || in.Aim != 99 || in.Ack != 6 {
				t.Fatalf("keep-alive %+v, want the game's last input with ack 6", in)
			}
			break
		}
	}
}

// A Retry signal (the browser's online event) ends the wait before a
// reconnection at once: with a backoff that never ends by itself, the
// Client resumes only because of it.
func TestClientRetryCutsBackoff(t *testing.T) {
	for _, tc := range []struct {
		name   string
		signal bool
	}{
		{"online event", true},
		{"no event", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ss := newSeatServer(t, func(n int) connPlan {
				if n == 1 {
					return connPlan{snapshots: 2, drop: true}
				}
				return connPlan{snapshots: 2}
			})
			rec := newRecorder()
			retry := make(chan struct{}, 1)
			c := Open(t.Context(), ss.url(), &ClientOptions{
				Dial:         DialOptions{Name: "ann"},
				OnState:      rec.onState,
				PingInterval: -1,
				Retry:        retry,
				// A wait that only its context ends.
				Sleep: func(ctx context.Context, _ time.Duration) error {
					<-ctx.Done()
					return ctx.Err()
				},
			})
			defer c.Close()
			rec.wait(t, StateConnected)
			rec.wait(t, StateReconnecting)
			if tc.signal {
				retry <- struct{}{}
				if s := rec.wait(t, StateConnected); !s.Resumed {
					t.Fatalf("after the online event: %+v, want the seat resumed", s)
				}
				return
			}
			select {
			case s := <-rec.ch:
				t.Fatalf("without a Retry signal the Client left its backoff: %+v", s)
			case <-time.After(300 * time.Millisecond):
			}
		})
	}
}
