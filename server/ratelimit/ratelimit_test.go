package ratelimit

import (
	"testing"
	"time"
)

func TestBucket(t *testing.T) {
	t0 := time.Unix(1000, 0)
	tests := []struct {
		name  string
		rate  float64
		burst int
		at    []time.Duration // offsets from t0 of each message
		want  []bool
	}{
		{"burst then refused", 1, 3, []time.Duration{0, 0, 0, 0}, []bool{true, true, true, false}},
		{"refill at rate", 10, 1, []time.Duration{0, 50 * time.Millisecond, 100 * time.Millisecond}, []bool{true, false, true}},
		{"refill capped at burst", 100, 2, []time.Duration{time.Hour, time.Hour, time.Hour}, []bool{true, true, false}},
		{"clock going back takes nothing", 1, 1, []time.Duration{time.Second, 0}, []bool{true, false}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := New(tc.rate, tc.burst, t0)
			for i, d := range tc.at {
				if got := b.Allow(t0.Add(d)); got != tc.want[i] {
					t.Fatalf("message %d at %v: allowed %v, want %v", i, d, got, tc.want[i])
				}
			}
		})
	}
}

func BenchmarkAllow(b *testing.B) {
	b.ReportAllocs()
	now := time.Unix(0, 0)
	bk := New(1e9, 1, now)
	for i := 0; b.Loop(); i++ {
		bk.Allow(now.Add(time.Duration(i)))
	}
}
