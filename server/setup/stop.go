package setup

import (
	"context"
	"os"
	"os/signal"
)

// Stop is how a running command is asked to stop: Drain ends at the first
// signal (finish the matches, up to the drain timeout), Now at the second
// (end them at once, results kept).
type Stop struct {
	Drain, Now context.Context
}

// NotifyStop returns the Stop of the first and second of sigs (SIGINT and
// SIGTERM for a command), and a function that stops listening.
func NotifyStop(sigs ...os.Signal) (Stop, func()) {
	drain, stopDrain := context.WithCancel(context.Background())
	now, stopNow := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, sigs...)
	done := make(chan struct{})
	go func() {
		for _, stop := range []context.CancelFunc{stopDrain, stopNow} {
			select {
			case <-ch:
				stop()
			case <-done:
				return
			}
		}
	}()
	return Stop{Drain: drain, Now: now}, func() {
		signal.Stop(ch)
		close(done)
		stopDrain()
		stopNow()
	}
}

// StopWith is a Stop whose drain and end at once both follow ctx: for
// tests and callers without signals.
func StopWith(ctx context.Context) Stop { return Stop{Drain: ctx, Now: ctx} }
