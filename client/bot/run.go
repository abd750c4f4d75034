package bot

import (
	"context"
	"sync"
	"time"
)

// Run plays opts.Bots bots against the server at opts.URL until the run's
// time is up (Ramp+Duration) or ctx is done, and reports what they saw.
// Every goroutine it starts has ended when it returns.
//
// The error is about the options only; how the bots fared, connection
// failures included, is in the Report (see Report.Err).
func Run(ctx context.Context, opts *Options) (Report, error) {
	o, err := opts.resolve()
	if err != nil {
		return Report{}, err
	}
	start := time.Now()
	runCtx, cancel := context.WithCancel(ctx)
	if o.Duration > 0 {
		runCtx, cancel = context.WithDeadline(ctx, start.Add(o.Ramp+o.Duration))
	}
	defer cancel()
	o.Logger.Info("bots starting", "url", o.URL, "bots", o.Bots, "duration", o.Duration, "ramp", o.Ramp, "input_rate", o.InputRate, "seed", o.Seed)

	rtt, wait := &histogram{}, &histogram{}
	bots := make([]*bot, o.Bots)
	var wg sync.WaitGroup
	for i := range bots {
		b := newBot(i, &o, rtt, wait)
		bots[i] = b
		startAt := start.Add(time.Duration(int64(o.Ramp) * int64(i) / int64(o.Bots)))
		wg.Go(func() { b.run(runCtx, startAt) })
	}
	wg.Wait()

	rep := newReport(time.Since(start), bots, rtt, wait)
	o.Logger.Info("bots done", "duration", rep.Duration, "disconnects", rep.Disconnects, "connect_failures", rep.ConnectFailures)
	return rep, nil
}
