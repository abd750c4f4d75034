package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/skirmishgg/skirmish/client/bot"
	"github.com/skirmishgg/skirmish/client/clientnet"
)

// runBots plays headless bots against a server for a while, prints their
// figures (a text summary, then one JSON line) and exits 1 when bots failed
// to connect or to play.
func runBots(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("skirmish bots", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rawURL := fs.String("url", "ws://localhost:8080/ws", "server WebSocket endpoint (ws, wss, http or https; an empty path means /ws)")
	n := fs.Int("n", 1, "number of bots")
	duration := fs.Duration("duration", 10*time.Second, "how long the bots play after the ramp (0: until interrupted)")
	seed := fs.Uint64("seed", 0, "seed of the bots' choices (bot i uses seed+i)")
	rate := fs.Int("rate", bot.DefaultInputRate, "inputs per second per bot")
	ramp := fs.Duration("ramp", 0, "spread the bots' first connections over this long")
	name := fs.String("name", bot.DefaultName, "prefix of the bots' names")
	mode := fs.String("mode", "ffa", "queue through the matchmaker for this mode (empty: join the server directly, for 'serve -matchmaking=false')")
	queueURL := fs.String("queue-url", "", "matchmaker queue endpoint (default: the server's own /v1/matchmaking/ws)")
	matchmaker := fs.String("matchmaker", "", "a remote matchmaker (http://mm:8081): bots queue there and play on whichever host it assigns; -url is then only a fallback for assignments that name no host")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "skirmish bots: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(stderr, "skirmish bots: bad -log-level: %v\n", err)
		return 2
	}
	switch {
	case *n < 1:
		fmt.Fprintln(stderr, "skirmish bots: -n must be at least 1")
		return 2
	case *rate < 1:
		fmt.Fprintln(stderr, "skirmish bots: -rate must be positive")
		return 2
	case *duration < 0 || *ramp < 0:
		fmt.Fprintln(stderr, "skirmish bots: -duration and -ramp must not be negative")
		return 2
	}
	wsURL, err := clientnet.WebSocketURL(*rawURL)
	if err != nil {
		fmt.Fprintf(stderr, "skirmish bots: bad -url: %v\n", err)
		return 2
	}
	if *matchmaker != "" {
		if *mode == "" {
			fmt.Fprintln(stderr, "skirmish bots: -matchmaker needs a -mode to queue for")
			return 2
		}
		mm, err := clientnet.WebSocketURL(*matchmaker)
		if err == nil {
			*queueURL, err = clientnet.QueueURL(mm)
		}
		if err != nil {
			fmt.Fprintf(stderr, "skirmish bots: bad -matchmaker: %v\n", err)
			return 2
		}
	}

	rep, err := bot.Run(ctx, &bot.Options{
		URL:       wsURL,
		Bots:      *n,
		Duration:  *duration,
		Seed:      *seed,
		InputRate: *rate,
		Ramp:      *ramp,
		Name:      *name,
		Mode:      *mode,
		QueueURL:  *queueURL,
		Logger:    slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})),
	})
	if err != nil {
		fmt.Fprintf(stderr, "skirmish bots: %v\n", err)
		return 2
	}
	if err := rep.WriteText(stdout); err != nil {
		fmt.Fprintf(stderr, "skirmish bots: %v\n", err)
		return 1
	}
	if err := rep.Err(); err != nil {
		fmt.Fprintf(stderr, "skirmish bots: %v\n", err)
		return 1
	}
	return 0
}
