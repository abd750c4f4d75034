package bot

import (
	"math"
	"testing"
	"time"
)

func TestHistIndexRoundTrip(t *testing.T) {
	prev := -1
	for us := uint64(0); us < 1<<20; us += 1 + us/200 {
		i := histIndex(us)
		if i < prev || i >= histBuckets {
			t.Fatalf("index %d for %d µs after %d", i, us, prev)
		}
		prev = i
		v := histValue(i)
		if us < 2*histSub && v != us {
			t.Fatalf("%d µs reads back as %d", us, v)
		}
		if err := math.Abs(float64(v)-float64(us)) / float64(max(us, 1)); err > 1.0/histSub {
			t.Fatalf("%d µs reads back as %d (%.1f%% off)", us, v, 100*err)
		}
	}
	if i := histIndex(math.MaxUint64); i != histBuckets-1 {
		t.Fatalf("huge value in bucket %d", i)
	}
}

func TestHistogramQuantiles(t *testing.T) {
	var h histogram
	if h.quantile(0.5) != 0 {
		t.Fatal("empty histogram has a median")
	}
	for i := 1; i <= 1000; i++ {
		h.record(time.Duration(i) * time.Millisecond)
	}
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 500 * time.Millisecond}, {0.99, 990 * time.Millisecond}, {1, 1000 * time.Millisecond}} {
		got := h.quantile(c.q)
		if math.Abs(float64(got-c.want)) > float64(c.want)/histSub {
			t.Errorf("q%.2f = %v, want about %v", c.q, got, c.want)
		}
	}
	if got := time.Duration(h.max.Load()); got != time.Second {
		t.Errorf("max %v", got)
	}
}
