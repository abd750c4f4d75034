package soak

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/skirmishgg/skirmish/client/bot"
)

// Sample is the server's figures at one moment.
type Sample struct {
	At         time.Duration // since the bots started
	Players    int
	Conns      int
	Goroutines int
	HeapBytes  float64
	RSSBytes   float64
	FDs        int
}

// Result is a soak run.
type Result struct {
	Options  Options
	Samples  []Sample
	Baseline int // index of the sample taken at the end of the warm-up
	Bots     bot.Summary
	Churn    struct{ Left, Dropped, Resumed, Requeues, Connects, Queued int }
	Problems []string // growth beyond the bounds, a server that died
	Broken   []string // the harness did not work: no samples, no snapshots, a dead server
}

// Run soaks a server as opts says and returns what it saw; Problems says
// whether it passed. The error is a harness failure.
func Run(ctx context.Context, opts *Options, serverLog io.Writer) (*Result, error) {
	o, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, o.Duration+2*startTimeout+2*stopTimeout)
	defer cancel()
	srv, err := startServer(ctx, o.Bin, serverLog)
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	res := &Result{Options: o, Baseline: -1}
	o.Logger.Info("soak starting", "bots", o.Bots, "duration", o.Duration, "warm_up", o.WarmUp, "every", o.Every, "churn", o.Churn, "url", srv.wsURL)

	start := time.Now()
	botsDone := make(chan bot.Report, 1)
	botErr := make(chan error, 1)
	// The bots play until the last sample is taken.
	botCtx, stopBots := context.WithCancel(ctx)
	defer stopBots()
	go func() {
		rep, err := bot.Run(botCtx, &bot.Options{
			URL: srv.wsURL, Bots: o.Bots, Ramp: o.WarmUp / 2,
			Seed: o.Seed, Mode: o.Mode, Churn: o.Churn, Name: "soak", Logger: o.Logger,
		})
		botErr <- err
		botsDone <- rep
	}()

	// Samples at the end of the warm-up, then every interval to the end.
	next := o.WarmUp
	for next <= o.Duration {
		select {
		case <-time.After(time.Until(start.Add(next))):
		case <-srv.exited:
			res.Broken = append(res.Broken, fmt.Sprintf("the server exited after %v", time.Since(start).Round(time.Second)))
			next = o.Duration + 1
			continue
		case <-ctx.Done():
			return res, ctx.Err()
		}
		s, err := srv.sample(ctx)
		if err != nil {
			res.Broken = append(res.Broken, err.Error())
		} else {
			s.At = time.Since(start).Round(time.Second)
			if res.Baseline < 0 {
				res.Baseline = len(res.Samples)
			}
			res.Samples = append(res.Samples, s)
			o.Logger.Info("soak sample", "at", s.At, "players", s.Players, "goroutines", s.Goroutines,
				"heap_mib", mib(s.HeapBytes), "rss_mib", mib(s.RSSBytes), "fds", s.FDs)
		}
		if next == o.Duration {
			break
		}
		next = min(next+o.Every, o.Duration)
	}
	stopBots()
	if err := <-botErr; err != nil {
		return res, fmt.Errorf("soak: bots: %w", err)
	}
	rep := <-botsDone
	res.Bots = rep.Summary()
	for _, b := range rep.Bots {
		res.Churn.Left += b.Left
		res.Churn.Dropped += b.Dropped
		res.Churn.Resumed += b.Resumed
		res.Churn.Requeues += b.Requeues
		res.Churn.Connects += b.Connects
		res.Churn.Queued += b.Queued
	}
	res.Problems = append(res.Problems, res.growth()...)
	if len(res.Samples) < 2 {
		res.Broken = append(res.Broken, fmt.Sprintf("%d samples", len(res.Samples)))
	}
	if res.Bots.Bots > 0 && res.Bots.BotsWithoutSnapshots > 0 {
		res.Broken = append(res.Broken, fmt.Sprintf("%d of %d bots never got a snapshot", res.Bots.BotsWithoutSnapshots, res.Bots.Bots))
	}
	res.Problems = append(res.Problems, res.Broken...)
	return res, nil
}

// growth compares the last sample with the baseline.
func (r *Result) growth() []string {
	if r.Baseline < 0 || len(r.Samples) < 2 {
		return []string{"fewer than two samples: nothing to compare"}
	}
	b, e := r.Samples[r.Baseline], r.Samples[len(r.Samples)-1]
	var problems []string
	check := func(what string, base, end, frac, slop float64, unit func(float64) string) {
		if limit := base*(1+frac) + slop; end > limit {
			problems = append(problems, fmt.Sprintf("%s grew from %s to %s (bound %s: +%.0f%% + %s)", what, unit(base), unit(end), unit(limit), frac*100, unit(slop)))
		}
	}
	count := func(v float64) string { return fmt.Sprintf("%.0f", v) }
	mem := func(v float64) string { return fmt.Sprintf("%.1f MiB", mib(v)) }
	check("goroutines", float64(b.Goroutines), float64(e.Goroutines), countGrowth, goroutineSlop, count)
	check("open descriptors", float64(b.FDs), float64(e.FDs), countGrowth, fdSlop, count)
	check("heap in use", b.HeapBytes, e.HeapBytes, memoryGrowth, memorySlop, mem)
	check("resident memory", b.RSSBytes, e.RSSBytes, memoryGrowth, memorySlop, mem)
	return problems
}

func mib(b float64) float64 { return b / (1 << 20) }
