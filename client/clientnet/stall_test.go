package clientnet

import (
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/protocol"
)

// A resume the server refuses because the seat or the match is gone (4004,
// 4005) ends the session at once with ErrSeatLost: no more dials. So does a
// 1008 close (which may keep the seat, and then resumes) whose resume is
// refused.
func TestClientSeatRefusedStopsAtOnce(t *testing.T) {
	for _, c := range []struct {
		name   string
		first  connPlan
		second connPlan
		code   websocket.StatusCode
	}{
		{"resume refused after a drop", connPlan{snapshots: 1, drop: true, loseSeat: true}, connPlan{snapshots: 1}, protocol.CloseBadResume},
		{"join token refused after a restart", connPlan{snapshots: 1, endCode: protocol.CloseGoingAway}, connPlan{refuse: protocol.CloseBadToken}, protocol.CloseBadToken},
		{"policy close, seat freed", connPlan{snapshots: 1, endCode: protocol.ClosePolicyViolation, loseSeat: true}, connPlan{snapshots: 1}, protocol.CloseBadResume},
	} {
		t.Run(c.name, func(t *testing.T) {
			ss := newSeatServer(t, func(n int) connPlan {
				if n == 1 {
					return c.first
				}
				return c.second
			})
			rec := newRecorder()
			sl := &sleepRecorder{}
			cl := Open(t.Context(), ss.url(), &ClientOptions{OnState: rec.onState, Sleep: sl.sleep, PingInterval: -1, Rand: rand.New(rand.NewPCG(1, 1))})
			defer cl.Close()
			rec.wait(t, StateConnected)
			end := rec.wait(t, StateClosed)
			if !errors.Is(end.Err, ErrSeatLost) || websocket.CloseStatus(end.Err) != c.code {
				t.Fatalf("closed with %v, want ErrSeatLost wrapping %d", end.Err, c.code)
			}
			ss.mu.Lock()
			defer ss.mu.Unlock()
			if ss.conns != 2 || len(sl.all()) != 1 || ss.hellos[1].Resume != "tok-1" {
				t.Fatalf("%d connections, waits %v, hellos %+v: want one resume, then stop", ss.conns, sl.all(), ss.hellos)
			}
		})
	}
}

// GiveUpAfter ends the retries once the seat is surely gone.
func TestClientGiveUpAfter(t *testing.T) {
	ss := newSeatServer(t, func(n int) connPlan {
		if n == 1 {
			return connPlan{snapshots: 1, drop: true}
		}
		return connPlan{refuse: protocol.CloseTryAgainLater}
	})
	clock := &fakeClock{t: time.Unix(5000, 0)}
	rec := newRecorder()
	sl := &sleepRecorder{clock: clock}
	cl := Open(t.Context(), ss.url(), &ClientOptions{
		Dial: DialOptions{Now: clock.Now}, OnState: rec.onState, Sleep: sl.sleep, PingInterval: -1, StallAfter: -1,
		GiveUpAfter: 10 * time.Second, Rand: rand.New(rand.NewPCG(1, 1)),
	})
	defer cl.Close()
	end := rec.wait(t, StateClosed)
	if !errors.Is(end.Err, ErrGaveUp) {
		t.Fatalf("closed with %v, want ErrGaveUp", end.Err)
	}
	var sum time.Duration
	for _, d := range sl.all() {
		sum += d
	}
	if sum < 10*time.Second || sum > 10*time.Second+DefaultBackoffMax {
		t.Fatalf("gave up after waiting %v in all, want about 10s", sum)
	}
}

// stallDriver sends inputs every few milliseconds, as a game does, and
// records when each send was accepted.
type stallDriver struct {
	mu       sync.Mutex
	accepted []time.Time
	stalled  atomic.Int64 // sends refused with ErrStalled
}

func (d *stallDriver) run(t *testing.T, c *Client, stop <-chan struct{}) {
	tk := time.NewTicker(5 * time.Millisecond)
	defer tk.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tk.C:
		}
		_, err := c.SendInput(t.Context(), protocol.Input{MoveX: 1})
		switch {
		case err == nil:
			d.mu.Lock()
			d.accepted = append(d.accepted, time.Now())
			d.mu.Unlock()
		case errors.Is(err, ErrStalled):
			d.stalled.Add(1)
		}
	}
}

func (d *stallDriver) acceptedBetween(a, b time.Time) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, at := range d.accepted {
		if at.After(a) && at.Before(b) {
			n++
		}
	}
	return n
}

// A silence of a second on an open connection is reported as a stall
// within StallAfter, nothing is sent while it lasts (no backlog reaches
// the server when the network comes back), extrapolation stops, and the
// first snapshot after it recovers the same connection.
func TestClientStallShort(t *testing.T) {
	ss := newSeatServer(t, func(int) connPlan {
		return connPlan{snapshots: 10, stall: 1200 * time.Millisecond, more: 10}
	})
	rec := newRecorder()
	c := Open(t.Context(), ss.url(), &ClientOptions{OnState: rec.onState, PingInterval: -1, StallAfter: 300 * time.Millisecond})
	defer c.Close()
	rec.wait(t, StateConnected)
	stop := make(chan struct{})
	d := &stallDriver{}
	var wg sync.WaitGroup
	wg.Go(func() { d.run(t, c, stop) })
	defer func() { close(stop); wg.Wait() }()

	st := rec.wait(t, StateStalled)
	stalledAt := time.Now()
	if silence := st.At.Sub(st.Since); silence < 300*time.Millisecond || silence > 800*time.Millisecond {
		t.Errorf("stalled %v after the last snapshot, want about 300ms", silence)
	}
	if h := c.HUD(time.Now()); !h.Stalled || h.State != StateStalled {
		t.Errorf("HUD while stalled: %+v", h)
	}
	back := rec.wait(t, StateConnected)
	if !back.Recovered {
		t.Fatalf("connected again %+v, want a recovery of the same connection", back)
	}
	if n := d.acceptedBetween(stalledAt, back.At); n != 0 {
		t.Fatalf("%d inputs sent while stalled", n)
	}
	if d.stalled.Load() == 0 {
		t.Fatal("no send was refused with ErrStalled")
	}
	servertestWait(t, "inputs after the stall", func() bool { return d.acceptedBetween(back.At, time.Now().Add(time.Hour)) > 0 })
	for _, s := range rec.all() {
		if s.State == StateReconnecting {
			t.Fatalf("reconnected during a short stall: %+v", rec.all())
		}
	}
}

// A long silence makes the Client give up on the connection by itself
// (StallReconnect) and resume the seat on a new one, long before TCP or
// the server would notice.
func TestClientStallReconnects(t *testing.T) {
	ss := newSeatServer(t, func(n int) connPlan {
		if n == 1 {
			return connPlan{snapshots: 5, stall: 3 * time.Second}
		}
		return connPlan{snapshots: 5, takeOver: true}
	})
	rec := newRecorder()
	c := Open(t.Context(), ss.url(), &ClientOptions{
		OnState: rec.onState, PingInterval: -1, StallAfter: 200 * time.Millisecond, StallReconnect: 800 * time.Millisecond,
		BackoffMin: 50 * time.Millisecond,
	})
	defer c.Close()
	first := rec.wait(t, StateConnected)
	rec.wait(t, StateStalled)
	re := rec.wait(t, StateReconnecting)
	if !errors.Is(re.Err, ErrStalled) {
		t.Fatalf("reconnecting because of %v, want ErrStalled", re.Err)
	}
	if silence := re.At.Sub(re.Since); silence < 800*time.Millisecond || silence > 2*time.Second {
		t.Errorf("gave up %v after the last snapshot, want about 800ms", silence)
	}
	second := rec.wait(t, StateConnected)
	if !second.Resumed || second.Player != first.Player {
		t.Fatalf("second connection %+v, want the seat resumed", second)
	}
	if took := second.At.Sub(re.Since); took > 3*time.Second {
		t.Fatalf("back %v after the last snapshot", took)
	}
}

func servertestWait(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
