package netlimit

import (
	"testing"
	"time"
)

func TestReadBudget(t *testing.T) {
	t0 := time.Unix(0, 0)
	for _, tc := range []struct {
		name   string
		limits ReadLimits
		every  time.Duration // between frames
		size   int
		frames int
		wantOK int // frames allowed before the first refusal (frames: none refused)
	}{
		{"a ping a second forever", ReadLimits{}, time.Second, 8, 1000, 1000},
		{"a burst of pings", ReadLimits{FramesPerSecond: 10, FrameBurst: 50}, 0, 8, 100, 50},
		{"a sustained flood", ReadLimits{FramesPerSecond: 10, FrameBurst: 50}, time.Millisecond, 8, 1000, 50},
		{"big payloads", ReadLimits{BytesPerSecond: 100, ByteBurst: 250, FramesPerSecond: 1000, FrameBurst: 1000}, 0, 125, 10, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := NewReadBudget(tc.limits, t0)
			ok := 0
			for i := range tc.frames {
				if !b.Spend(t0.Add(time.Duration(i)*tc.every), tc.size) {
					break
				}
				ok++
			}
			if ok != tc.wantOK {
				t.Fatalf("%d frames allowed, want %d", ok, tc.wantOK)
			}
			if ok < tc.frames && b.Spend(t0.Add(time.Hour), 0) {
				t.Fatal("a budget once exceeded allowed a frame again")
			}
		})
	}
}

func BenchmarkReadBudget(b *testing.B) {
	b.ReportAllocs()
	budget := NewReadBudget(ReadLimits{FramesPerSecond: 1e12, FrameBurst: 1 << 30, BytesPerSecond: 1e12, ByteBurst: 1 << 30}, time.Now())
	now := time.Now()
	for i := 0; b.Loop(); i++ {
		budget.Spend(now.Add(time.Duration(i)), 8)
	}
}
