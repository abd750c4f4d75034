package agones

import (
	"context"
	"log/slog"
	"time"
)

// maxBackoff bounds the wait between retries after failed calls.
const maxBackoff = 10 * time.Second

// retrier logs a run of failures once (Warn) and its end (Info), and
// spaces retries out.
type retrier struct {
	log      *slog.Logger
	what     string
	failures int
	backoff  time.Duration
}

// done records a call's outcome and reports whether it succeeded.
func (r *retrier) done(err error) bool {
	if err == nil {
		if r.failures > 0 {
			r.log.Info("agones: the SDK server answers again", "call", r.what, "failures", r.failures)
		}
		r.failures, r.backoff = 0, 0
		return true
	}
	if r.failures == 0 {
		r.log.Warn("agones: SDK call failed: retrying", "call", r.what, "err", err)
	}
	r.failures++
	return false
}

// next returns the wait before the next try: doubling from base, at most
// maxBackoff.
func (r *retrier) next(base time.Duration) time.Duration {
	r.backoff = min(max(2*r.backoff, base), maxBackoff)
	return r.backoff
}

// wait sleeps before the next try; false when ctx ended first.
func (r *retrier) wait(ctx context.Context) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(r.next(100 * time.Millisecond)):
		return true
	}
}
