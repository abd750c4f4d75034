package clientnet

import (
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/protocol"
)

// TestInterpolatorViewTick: the view tick is the render time of the last
// Sample (what the player saw), rounded down, even when asked later; a
// client that never samples gets render time at the moment it asks; none
// before a snapshot or after a Reset.
func TestInterpolatorViewTick(t *testing.T) {
	views := map[uint32][]protocol.Entity{10: {pl(1, 0, 0, 0, 100, 0)}, 12: {pl(1, 20, 0, 0, 100, 0)}, 14: {pl(1, 40, 0, 0, 100, 0)}}
	fixed := &InterpOptions{MinDelay: 50 * time.Millisecond, MaxDelay: 50 * time.Millisecond}
	for _, tc := range []struct {
		name   string
		sample bool
	}{{"drawn", true}, {"headless", false}} {
		t.Run(tc.name, func(t *testing.T) {
			ip := NewInterpolator(testWelcomeKinds(), nil, fixed)
			if v := ip.ViewTick(tickTime(9)); v != 0 {
				t.Fatalf("view tick %d before any snapshot", v)
			}
			for _, tick := range []uint32{10, 12, 14} {
				ip.Push(tick, views[tick], tickTime(tick))
			}
			drawnAt := tickTime(14).Add(5 * time.Millisecond)
			var rt float64
			if tc.sample {
				ip.Sample(drawnAt, nil)
				rt = ip.RenderTick(drawnAt)
			}
			asked := drawnAt.Add(40 * time.Millisecond) // more than two ticks later
			got := ip.ViewTick(asked)
			if !tc.sample {
				rt = ip.RenderTick(asked)
			}
			if rt < 10 || rt > 14 {
				t.Fatalf("render tick %v: not between the snapshots", rt)
			}
			if want := uint32(rt); got != want {
				t.Fatalf("view tick %d, want %d (render tick %v)", got, want, rt)
			}
			ip.Reset()
			if v := ip.ViewTick(asked); v != 0 {
				t.Fatalf("view tick %d after Reset", v)
			}
		})
	}
}

// TestClientReportsViewTick: every input the Client sends carries the tick
// its Interpolator drew the others at, never newer than the input's ack;
// an explicit view is sent as is, bounded by the ack the same way.
func TestClientReportsViewTick(t *testing.T) {
	ss := newSeatServer(t, func(int) connPlan { return connPlan{snapshots: 3} })
	rec := newRecorder()
	c := Open(t.Context(), ss.url(), &ClientOptions{OnState: rec.onState, PingInterval: -1, KeepAlive: time.Hour,
		Interp: &InterpOptions{MinDelay: 100 * time.Millisecond, MaxDelay: 100 * time.Millisecond}})
	defer c.Close()
	rec.wait(t, StateConnected)
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, newest := c.Interpolator().Buffered(); newest == 6 { // ticks 2, 4 and 6
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the three snapshots never arrived")
		}
		time.Sleep(time.Millisecond)
	}
	now := time.Now()
	c.Sample(now, nil)
	rt := c.RenderTick(now)
	if _, err := c.SendInput(t.Context(), protocol.Input{MoveX: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SendInput(t.Context(), protocol.Input{MoveX: 2, View: 1000}); err != nil {
		t.Fatal(err)
	}
	for in := range ss.inputs {
		switch in.MoveX {
		case 1:
			// A render time before the oldest snapshot (2) shows that one.
			if want := min(uint32(max(rt, 2)), in.Ack); in.View != want || in.Ack != 6 {
				t.Fatalf("input %+v: want view %d (render tick %v), ack 6", in, want, rt)
			}
		case 2:
			if in.View != in.Ack || in.Ack != 6 {
				t.Fatalf("input %+v: an explicit view from the future must be sent as the ack", in)
			}
			return
		}
	}
}
