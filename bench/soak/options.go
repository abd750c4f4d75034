package soak

import (
	"errors"
	"log/slog"
	"time"
)

// Options configures a soak run. Zero fields take the defaults.
type Options struct {
	// Bin is the skirmish binary whose serve command is soaked. Required.
	Bin string
	// Bots play at once. Default 512.
	Bots int
	// Duration of the run, warm-up included. Default 20m.
	Duration time.Duration
	// WarmUp is when the baseline sample is taken: the bots have all
	// joined and the server's pools have grown. Default 2m, at most
	// half of Duration.
	WarmUp time.Duration
	// Every is the sampling interval. Default 1m.
	Every time.Duration
	// Churn is the mean time a bot's connection lasts before it leaves
	// or drops (bot.Options.Churn). Default 30s.
	Churn time.Duration
	// Mode the bots queue for through the embedded matchmaker. Default
	// "ffa".
	Mode string
	// Seed of the bots' choices.
	Seed uint64
	// Logger receives progress. Default slog.Default().
	Logger *slog.Logger
}

// Growth bounds: after the warm-up, the last sample may exceed the
// baseline by at most these fractions, plus a little absolute slack so
// that short smoke runs of a small server do not fail on noise.
const (
	countGrowth   = 0.10 // goroutines, open descriptors
	memoryGrowth  = 0.25 // heap in use, resident memory
	goroutineSlop = 32
	fdSlop        = 16
	memorySlop    = 8 << 20
)

func (o *Options) resolve() (Options, error) {
	c := *o
	if c.Bin == "" {
		return c, errors.New("soak: no binary")
	}
	if c.Bots <= 0 {
		c.Bots = 512
	}
	if c.Duration <= 0 {
		c.Duration = 20 * time.Minute
	}
	if c.Every <= 0 {
		c.Every = time.Minute
	}
	if c.WarmUp <= 0 {
		c.WarmUp = 2 * time.Minute
	}
	c.WarmUp = min(c.WarmUp, c.Duration/2)
	if c.Churn <= 0 {
		c.Churn = 30 * time.Second
	}
	if c.Mode == "" {
		c.Mode = "ffa"
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c, nil
}
