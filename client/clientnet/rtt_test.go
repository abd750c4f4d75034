package clientnet

import (
	"testing"
	"time"
)

type sample struct {
	seq uint32
	rtt time.Duration
}

func TestRTTRing(t *testing.T) {
	var r rttRing
	var got []sample
	collect := func(seq uint32, rtt time.Duration) { got = append(got, sample{seq, rtt}) }

	for seq := uint32(1); seq <= 5; seq++ {
		r.sent(seq, time.Duration(seq)*10*time.Millisecond)
	}
	// Acknowledging 3 yields samples for 1, 2 and 3, each from its own
	// send time.
	r.ack(3, 100*time.Millisecond, collect)
	want := []sample{{1, 90 * time.Millisecond}, {2, 80 * time.Millisecond}, {3, 70 * time.Millisecond}}
	if !equalSamples(got, want) {
		t.Fatalf("ack 3: got %v, want %v", got, want)
	}
	// An old or repeated acknowledgement yields nothing.
	got = nil
	r.ack(3, 200*time.Millisecond, collect)
	r.ack(2, 200*time.Millisecond, collect)
	if len(got) != 0 {
		t.Fatalf("repeated ack gave %v", got)
	}
	// A later one yields only the new inputs.
	r.ack(5, 120*time.Millisecond, collect)
	want = []sample{{4, 80 * time.Millisecond}, {5, 70 * time.Millisecond}}
	if !equalSamples(got, want) {
		t.Fatalf("ack 5: got %v, want %v", got, want)
	}
	// Acknowledging inputs never sent yields nothing.
	got = nil
	r.ack(8, time.Second, collect)
	if len(got) != 0 {
		t.Fatalf("ack of unsent inputs gave %v", got)
	}
}

func TestRTTRingOverwritten(t *testing.T) {
	var r rttRing
	var got []sample
	collect := func(seq uint32, rtt time.Duration) { got = append(got, sample{seq, rtt}) }
	const n = rttRingSize + 10
	for seq := uint32(1); seq <= n; seq++ {
		r.sent(seq, time.Duration(seq)*time.Millisecond)
	}
	r.ack(n, time.Duration(n)*time.Millisecond, collect)
	if len(got) != rttRingSize {
		t.Fatalf("%d samples, want the %d the table holds", len(got), rttRingSize)
	}
	if got[0].seq != n-rttRingSize+1 || got[len(got)-1] != (sample{n, 0}) {
		t.Fatalf("samples run %v .. %v", got[0], got[len(got)-1])
	}
}

func TestRTTRingAllocatesNothing(t *testing.T) {
	var r rttRing
	var sum time.Duration
	fn := func(_ uint32, rtt time.Duration) { sum += rtt }
	seq := uint32(0)
	allocs := testing.AllocsPerRun(100, func() {
		seq++
		r.sent(seq, time.Duration(seq))
		r.ack(seq, time.Duration(seq)+5, fn)
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per input", allocs)
	}
	if sum != 100*5+5 { // AllocsPerRun runs once more to warm up
		t.Fatalf("sum of samples %v", sum)
	}
}

func TestGapTracker(t *testing.T) {
	g := newGapTracker(60, 30) // a snapshot every 2 ticks
	var skipped []uint32
	for _, tick := range []uint32{10, 12, 14, 20, 22, 23, 30} {
		skipped = append(skipped, g.observe(tick))
	}
	want := []uint32{0, 0, 0, 4, 0, 0, 5}
	for i := range want {
		if skipped[i] != want[i] {
			t.Fatalf("skipped %v, want %v", skipped, want)
		}
	}
	// Uneven ratios round the interval up: 60/25 gives 2 or 3 ticks.
	g = newGapTracker(60, 25)
	for _, tick := range []uint32{3, 5, 8, 10, 13} {
		if s := g.observe(tick); s != 0 {
			t.Fatalf("tick %d counted as a gap of %d", tick, s)
		}
	}
}

func equalSamples(a, b []sample) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
