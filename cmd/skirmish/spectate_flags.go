package main

import (
	"errors"
	"flag"
	"time"

	"github.com/skirmishgg/skirmish/server"
)

// spectateFlags are serve's and host's spectating flags.
type spectateFlags struct {
	delay *time.Duration
	max   *int
	perIP *int
}

func addSpectateFlags(fs *flag.FlagSet) spectateFlags {
	return spectateFlags{
		delay: fs.Duration("spectate-delay", 2*time.Second, "how far behind the live match spectators see it, so watching cannot be used to cheat; 0: live (tests, operators)"),
		max:   fs.Int("max-spectators", 200, "spectators one match takes at most; 0: no spectating"),
		perIP: fs.Int("max-spectators-per-ip", 4, "spectators watching at once from one client address, over all matches; more are closed with 1013 (0: no cap; raise it behind a proxy that hides client addresses)"),
	}
}

func (f spectateFlags) check() error {
	if *f.delay < 0 || *f.delay > time.Minute {
		return errors.New("-spectate-delay must be in 0..1m")
	}
	if *f.max < 0 || *f.max > 10000 {
		return errors.New("-max-spectators must be in 0..10000")
	}
	if *f.perIP < 0 {
		return errors.New("-max-spectators-per-ip must be 0 (no cap) or positive")
	}
	return nil
}

// apply sets o's spectating options; the flags' 0 means off where the
// options' 0 means the default.
func (f spectateFlags) apply(o *server.Options) {
	o.SpectateDelay, o.MaxSpectators, o.MaxSpectatorsPerIP = *f.delay, *f.max, *f.perIP
	if *f.delay == 0 {
		o.SpectateDelay = -1
	}
	if *f.max == 0 {
		o.MaxSpectators = -1
	}
	if *f.perIP == 0 {
		o.MaxSpectatorsPerIP = -1
	}
}
