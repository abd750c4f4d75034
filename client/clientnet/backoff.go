package clientnet

import (
	"context"
	"math/rand/v2"
	"time"
)

// backoffCap is the most a wait may last before the given attempt (1 for
// the first retry): min doubled attempt-1 times, at most max.
func backoffCap(attempt int, lo, hi time.Duration) time.Duration {
	d := lo
	for i := 1; i < attempt && d < hi; i++ {
		d *= 2
	}
	return min(d, hi)
}

// fullJitter draws a wait uniformly in [0, cap]: "full jitter", which
// spreads a crowd of clients dropped at once over the whole window.
func fullJitter(rng *rand.Rand, cap time.Duration) time.Duration {
	if cap <= 0 {
		return 0
	}
	return time.Duration(rng.Int64N(int64(cap) + 1))
}

// sleepCtx waits d or until ctx is done, whichever comes first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
