package bot

import (
	"context"
	"sync"
	"time"

	"github.com/skirmishgg/skirmish/client/clientnet"
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
	rtt, wait := &histogram{}, &histogram{}
	bots := make([]*bot, o.Bots)
	for i := range bots {
		bots[i] = newBot(i, &o, rtt, wait)
	}
	prepare(ctx, bots)
	start := time.Now()
	runCtx, cancel := context.WithCancel(ctx)
	if o.Duration > 0 {
		runCtx, cancel = context.WithDeadline(ctx, start.Add(o.Ramp+o.Duration))
	}
	defer cancel()
	o.Logger.Info("bots starting", "url", o.URL, "bots", o.Bots, "duration", o.Duration, "ramp", o.Ramp, "input_rate", o.InputRate, "seed", o.Seed)

	var wg sync.WaitGroup
	for i, b := range bots {
		startAt := start.Add(time.Duration(int64(o.Ramp) * int64(i) / int64(o.Bots)))
		wg.Go(func() { b.run(runCtx, startAt) })
	}
	wg.Wait()

	rep := newReport(time.Since(start), bots, rtt, wait)
	o.Logger.Info("bots done", "duration", rep.Duration, "disconnects", rep.Disconnects, "connect_failures", rep.ConnectFailures)
	return rep, nil
}

// prepare fetches every bot's guest identity before the run starts, a few
// at a time, so that the run's clock (and the queue's) measures playing,
// not signing up. A bot whose fetch fails tries again when it starts.
func prepare(ctx context.Context, bots []*bot) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	sem := make(chan struct{}, 16)
	var wg sync.WaitGroup
	for _, b := range bots {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if _, err := clientnet.Guest(ctx, b.identityServer(), &b.ids); err != nil {
				b.log.Debug("no guest identity yet", "err", err)
			}
		})
	}
	wg.Wait()
}
