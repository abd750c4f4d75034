package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"
	"time"
)

// commonFlags are the flags every server command shares.
type commonFlags struct {
	logLevel  *string
	logFormat *string
	gcPercent *int
}

func addCommonFlags(fs *flag.FlagSet) commonFlags {
	return commonFlags{
		logLevel:  fs.String("log-level", "info", "log level: debug, info, warn or error"),
		logFormat: fs.String("log-format", "text", "log format: text (key=value lines) or json (one object a line, for log collectors)"),
		gcPercent: fs.Int("gc-percent", 50, "the garbage collector's heap growth target (GOGC): a server's heap is mostly long-lived player state and it allocates little while playing, so a low target costs little CPU and keeps memory per player small; the GOGC environment variable, when set, wins"),
	}
}

// apply sets the GC target and returns the logger the flags ask for.
func (c commonFlags) apply(stderr io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(*c.logLevel)); err != nil {
		return nil, fmt.Errorf("bad -log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler
	switch *c.logFormat {
	case "text":
		h = slog.NewTextHandler(stderr, opts)
	case "json":
		h = slog.NewJSONHandler(stderr, opts)
	default:
		return nil, fmt.Errorf("bad -log-format %q: want text or json", *c.logFormat)
	}
	if _, set := os.LookupEnv("GOGC"); !set && *c.gcPercent > 0 {
		debug.SetGCPercent(*c.gcPercent)
	}
	return slog.New(h), nil
}

// listFlag is a flag that may be given several times, or once with
// comma-separated values.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}

// rewindOption maps -max-rewind (0: off) to server.Options.MaxRewind
// (negative: off, 0: the default).
func rewindOption(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}
