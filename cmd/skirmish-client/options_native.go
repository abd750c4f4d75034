//go:build !js

package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/skirmishgg/skirmish/client/ui"
)

// options reads the command line.
func options() (ui.Options, error) {
	var o ui.Options
	fs := flag.NewFlagSet("skirmish-client", flag.ContinueOnError)
	fs.StringVar(&o.Server, "server", "ws://localhost:8080/ws", "server address (ws://host:port/ws or host:port)")
	fs.StringVar(&o.Name, "name", os.Getenv("USER"), "player name")
	fs.BoolVar(&o.Join, "join", false, "join a match at once, skipping the menu")
	fs.StringVar(&o.Spectate, "spectate", "", "watch the running match of this ID (from the server's /v1/matches), skipping the menu")
	fs.BoolVar(&o.Autoplay, "autoplay", false, "play automatically (demo and load testing)")
	fs.DurationVar(&o.InterpDelay, "interp", 0, "interpolation delay (default 100ms)")
	fs.StringVar(&o.Party, "party", "", "a party's invite code: join it and queue together (its leader creates it with POST /v1/parties and queues last)")
	fs.StringVar(&o.Replay, "replay", "", "watch this match recording (a .skrec file of `skirmish serve -record`, or an http(s) URL) instead of playing")
	if err := fs.Parse(os.Args[1:]); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if o.InterpDelay < 0 || o.InterpDelay > 2*time.Second {
		return o, fmt.Errorf("-interp %v out of range", o.InterpDelay)
	}
	return o, nil
}

// hook has nothing to connect natively.
func hook(*ui.Options) func(*ui.Game) { return func(*ui.Game) {} }
