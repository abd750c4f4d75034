package clientnet

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// feedArrivals sends the snapshots of ticks from..to (every 2) through a
// link of latency ± jitter (in order) into c, and returns the last arrival.
func feedArrivals(c *Clock, rng *rand.Rand, from, to uint32, latency, jitter time.Duration, last time.Time) time.Time {
	for tick := from; tick <= to; tick += 2 {
		at := tickTime(tick).Add(latency)
		if jitter > 0 {
			at = at.Add(time.Duration(rng.Int64N(int64(2*jitter)+1)) - jitter)
		}
		if at.Before(last) {
			at = last
		}
		last = at
		c.ObserveSnapshot(tick, at)
	}
	return last
}

func TestClockArrivals(t *testing.T) {
	for _, c := range []struct {
		name            string
		latency, jitter time.Duration
		maxErr          time.Duration // of the arrival offset
		jitterLo        time.Duration
		jitterHi        time.Duration
	}{
		{"steady", 80 * time.Millisecond, 0, time.Microsecond, 0, time.Microsecond},
		{"±20ms", 80 * time.Millisecond, 20 * time.Millisecond, 5 * time.Millisecond, 6 * time.Millisecond, 15 * time.Millisecond},
		{"±40ms", 150 * time.Millisecond, 40 * time.Millisecond, 10 * time.Millisecond, 12 * time.Millisecond, 30 * time.Millisecond},
	} {
		t.Run(c.name, func(t *testing.T) {
			clock := NewClock(60, 30, nil)
			last := feedArrivals(clock, rand.New(rand.NewPCG(1, 1)), 2, 1200, c.latency, c.jitter, time.Time{})
			// A snapshot of tick 1200 is expected latency after its time.
			now := tickTime(1200).Add(c.latency)
			got, ok := clock.ArrivalTick(now)
			if !ok {
				t.Fatal("no arrival tick")
			}
			if off := time.Duration((got - 1200) / 60 * float64(time.Second)); off.Abs() > c.maxErr {
				t.Fatalf("arrival tick off by %v", off)
			}
			if j := clock.Jitter(); j < c.jitterLo || j > c.jitterHi {
				t.Fatalf("jitter %v, want [%v, %v]", j, c.jitterLo, c.jitterHi)
			}
			if iv := clock.Interval(); (iv - time.Second/30).Abs() > time.Millisecond {
				t.Fatalf("interval %v", iv)
			}
			_ = last
		})
	}
}

// One late snapshot barely moves the schedule; a lasting shift (the server
// dropped time after a stall) re-anchors it after three arrivals.
func TestClockOutliersAndResync(t *testing.T) {
	clock := NewClock(60, 30, nil)
	rng := rand.New(rand.NewPCG(2, 2))
	last := feedArrivals(clock, rng, 2, 600, 50*time.Millisecond, 0, time.Time{})
	ref := tickTime(600).Add(50 * time.Millisecond)
	before, _ := clock.ArrivalTick(ref)

	clock.ObserveSnapshot(602, tickTime(602).Add(450*time.Millisecond)) // 400ms late
	clock.ObserveSnapshot(604, tickTime(604).Add(2*time.Second))        // beyond resync: ignored
	after, _ := clock.ArrivalTick(ref)
	if d := time.Duration(math.Abs(after-before) / 60 * float64(time.Second)); d > time.Millisecond {
		t.Fatalf("two outliers moved the schedule by %v", d)
	}

	// From tick 606 on, every snapshot is a second later than before.
	last = feedArrivals(clock, rng, 606, 610, 1050*time.Millisecond, 0, last)
	now := tickTime(610).Add(1050 * time.Millisecond)
	got, _ := clock.ArrivalTick(now)
	if d := time.Duration(math.Abs(got-610) / 60 * float64(time.Second)); d > time.Millisecond {
		t.Fatalf("after a lasting shift the arrival tick is off by %v", d)
	}
	_ = last
}

func TestClockRTT(t *testing.T) {
	clock := NewClock(60, 30, nil)
	if _, ok := clock.ServerTick(time.Now()); ok {
		t.Fatal("a server tick before any observation")
	}
	rng := rand.New(rand.NewPCG(3, 3))
	for range 200 {
		clock.ObserveRTT(100*time.Millisecond + time.Duration(rng.Int64N(int64(40*time.Millisecond))) - 20*time.Millisecond)
	}
	rtt := clock.RTT()
	if (rtt - 100*time.Millisecond).Abs() > 8*time.Millisecond {
		t.Fatalf("RTT %v, want about 100ms", rtt)
	}
	// A two-second stall moves it by a bounded step.
	clock.ObserveRTT(2 * time.Second)
	if d := clock.RTT() - rtt; d > 10*time.Millisecond || clock.LastRTT() != 2*time.Second {
		t.Fatalf("one 2s sample moved the RTT by %v", d)
	}
}

// A Pong anchors the schedule before any snapshot; server and input ticks
// add half and a whole round trip to the arrival tick.
func TestClockPong(t *testing.T) {
	clock := NewClock(60, 30, nil)
	sent := interpT0
	at := sent.Add(100 * time.Millisecond)
	clock.ObservePong(sent, at, 600)
	arrival, ok := clock.ArrivalTick(at)
	if !ok || !near(arrival, 600.5) {
		t.Fatalf("arrival tick at the pong %v %v, want 600.5", arrival, ok)
	}
	if clock.RTT() != 100*time.Millisecond {
		t.Fatalf("RTT %v", clock.RTT())
	}
	server, _ := clock.ServerTick(at)
	input, _ := clock.InputTick(at)
	if !near(server, 603.5) || !near(input, 606.5) {
		t.Fatalf("server tick %v, input tick %v; want 603.5 and 606.5", server, input)
	}
	clock.Forget()
	if _, ok := clock.ArrivalTick(at); ok || clock.RTT() != 100*time.Millisecond {
		t.Fatal("Forget kept the schedule or lost the round trip")
	}
}
