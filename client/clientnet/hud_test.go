package clientnet

import (
	"testing"
	"time"
)

func TestRateMeter(t *testing.T) {
	t0 := time.Unix(3000, 0)
	for _, c := range []struct {
		name  string
		every time.Duration // one event of n every this, from t0 to t0+span
		n     uint64
		span  time.Duration
		at    time.Duration // rate read at t0+at
		want  float64
	}{
		{"steady 1000/s", 100 * time.Millisecond, 100, 3 * time.Second, 3*time.Second + 50*time.Millisecond, 1000},
		{"30 snapshots a second", time.Second / 30, 1, 5 * time.Second, 5 * time.Second, 30},
		{"quiet for a second: nothing", 100 * time.Millisecond, 100, 2 * time.Second, 3*time.Second + 100*time.Millisecond, 0},
		{"half the window quiet", 100 * time.Millisecond, 100, 2 * time.Second, 2*time.Second + 500*time.Millisecond, 500},
	} {
		t.Run(c.name, func(t *testing.T) {
			var m rateMeter
			for d := time.Duration(0); d <= c.span; d += c.every {
				m.add(t0.Add(d), c.n)
			}
			// Within one event's worth of the expected rate.
			if got := m.rate(t0.Add(c.at)); got < c.want-float64(c.n)*1.2 || got > c.want+float64(c.n)*1.2 {
				t.Fatalf("rate %v, want about %v", got, c.want)
			}
		})
	}
}

// The graph keeps the newest frames, oldest first, each with what happened
// since the frame before.
func TestHUDGraph(t *testing.T) {
	h := newHUDMeter(4)
	t0 := time.Unix(3000, 0)
	for i := range 6 {
		now := t0.Add(time.Duration(i) * 16 * time.Millisecond)
		h.received(now, uint64(100*i))
		h.sent(now, 10)
		for range i % 2 {
			h.snapshot(now)
		}
		hud := HUD{RTT: time.Duration(i) * time.Millisecond}
		h.frame(now, &hud)
		if i == 5 && (hud.BytesOut == 0 || hud.BytesIn == 0 || hud.SnapshotRate == 0) {
			t.Fatalf("HUD rates %+v", hud)
		}
	}
	got := h.samples(nil)
	if len(got) != 4 {
		t.Fatalf("%d samples, want 4", len(got))
	}
	for j, s := range got {
		i := j + 2
		if s.RTT != time.Duration(i)*time.Millisecond || s.BytesIn != 100*i || s.BytesOut != 10 || s.Snapshots != i%2 {
			t.Fatalf("sample %d: %+v", j, s)
		}
	}
}
