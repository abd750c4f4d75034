package bot

import (
	"math/bits"
	"sync/atomic"
	"time"
)

// Histogram layout: values in microseconds, exact below 2·histSub and then
// histSub buckets per power of two, so a quantile is off by less than
// 1/histSub (1.6%). Values from 2^histMaxBits µs (about 134 s) up share
// the last bucket.
const (
	histSubBits = 6
	histSub     = 1 << histSubBits
	histMaxBits = 27
	histBuckets = (histMaxBits-histSubBits+1)*histSub + 1
)

// histogram is a lock-free latency histogram shared by every bot of a run:
// recording is one atomic add, whatever the number of samples.
type histogram struct {
	counts [histBuckets]atomic.Uint64
	n      atomic.Uint64
	max    atomic.Int64
}

func histIndex(us uint64) int {
	if us >= 1<<histMaxBits {
		return histBuckets - 1
	}
	e := max(bits.Len64(us)-(histSubBits+1), 0)
	return e<<histSubBits + int(us>>e)
}

// histValue is the middle of bucket i, in microseconds.
func histValue(i int) uint64 {
	if i < 2*histSub {
		return uint64(i)
	}
	e := i>>histSubBits - 1
	lo := uint64(i&(histSub-1)+histSub) << e
	return lo + (uint64(1)<<e)/2
}

func (h *histogram) record(d time.Duration) {
	d = max(d, 0)
	h.counts[histIndex(uint64(d.Microseconds()))].Add(1)
	h.n.Add(1)
	for {
		m := h.max.Load()
		if int64(d) <= m || h.max.CompareAndSwap(m, int64(d)) {
			break
		}
	}
}

// quantile returns the value at quantile q in [0, 1] (0 when empty).
func (h *histogram) quantile(q float64) time.Duration {
	n := h.n.Load()
	if n == 0 {
		return 0
	}
	rank := uint64(q*float64(n) + 0.5)
	rank = min(max(rank, 1), n)
	var seen uint64
	for i := range h.counts {
		seen += h.counts[i].Load()
		if seen >= rank {
			v := time.Duration(histValue(i)) * time.Microsecond
			return min(v, time.Duration(h.max.Load()))
		}
	}
	return time.Duration(h.max.Load())
}
