package main

import (
	"errors"
	"flag"
	"fmt"
	"runtime"
	"time"

	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/setup"
)

// matchFlags are the flags of every command that runs matches (serve and
// host): how matches play and are sent, recorded and served.
type matchFlags struct {
	snapshotRate *int
	grace        *time.Duration
	view         *string
	maxRewind    *time.Duration
	recordDir    *string
	serveReplays *bool
	eventLoops   *int
	loopThread   *bool
}

func addMatchFlags(fs *flag.FlagSet) *matchFlags {
	return &matchFlags{
		snapshotRate: fs.Int("snapshot-rate", 30, "snapshots per second sent to each client"),
		grace:        fs.Duration("grace", 30*time.Second, "how long a dropped player keeps its seat"),
		view:         fs.String("view", "2000x1200", "area each client is sent, WIDTHxHEIGHT in world units around its player (interest management); 'all' sends everything"),
		maxRewind:    fs.Duration("max-rewind", 250*time.Millisecond, "lag compensation: how far back a player's shots are judged, where its screen showed the others (the view tick its inputs report, bounded by this); 0: off"),
		recordDir:    fs.String("record", "", "directory to record every match into, one .skrec file each, read by skirmish replay; empty: no recordings"),
		eventLoops:   fs.Int("event-loops", 1, "event loops that read the players' connections once they are seated (linux; at most GOMAXPROCS); 0: none, every connection read by a goroutine of its own"),
		loopThread:   fs.Bool("event-loop-thread", true, "run each event loop on an OS thread of its own blocked in epoll_wait (each adds one to GOMAXPROCS, as its thread holds a P while it waits) rather than parked on Go's poller: less CPU per wake-up (bench/results/evloop-2026-12-05.md); false: parked on Go's poller"),
		serveReplays: fs.Bool("serve-replays", false, "serve the recordings of -record at /replays/ on the player address too (a JSON listing and the files), for the clients' REPLAYS menu and replay viewer (?replay=/replays/NAME); without it they are on -admin-addr only"),
	}
}

// options checks the flags and fills the match part of server.Options.
func (f *matchFlags) options(o *server.Options) error {
	switch {
	case *f.snapshotRate <= 0:
		return errors.New("-snapshot-rate must be positive")
	case *f.serveReplays && *f.recordDir == "":
		return errors.New("-serve-replays serves the recordings of -record DIR: set -record too")
	case *f.maxRewind < 0 || *f.maxRewind > time.Second:
		return errors.New("-max-rewind must be in 0..1s")
	case *f.eventLoops < 0 || *f.eventLoops > runtime.GOMAXPROCS(0):
		return fmt.Errorf("-event-loops must be in 0..%d (GOMAXPROCS)", runtime.GOMAXPROCS(0))
	}
	interest, err := setup.ParseView(*f.view, arena.ViewUnitsPerUnit)
	if err != nil {
		return fmt.Errorf("bad -view: %w", err)
	}
	o.SnapshotRate, o.ResumeGrace, o.Interest = *f.snapshotRate, *f.grace, interest
	o.RecordDir, o.MaxRewind = *f.recordDir, rewindOption(*f.maxRewind)
	o.EventLoops, o.EventLoopThread = *f.eventLoops, *f.loopThread
	if o.EventLoops == 0 {
		o.EventLoops = -1 // the option's "none"
	}
	return nil
}
