package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/skirmishgg/skirmish/bench/soak"
)

// runSoak is `skirmish soak`: bots with churn against this binary's serve
// for a long while, failing (exit 1) when the server's goroutines,
// descriptors or memory grew beyond the bounds (bench/soak).
func runSoak(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("skirmish soak", flag.ContinueOnError)
	fs.SetOutput(stderr)
	bots := fs.Int("bots", 512, "bots playing at once")
	duration := fs.Duration("duration", 20*time.Minute, "length of the run, warm-up included")
	warmUp := fs.Duration("warmup", 2*time.Minute, "when the baseline sample is taken (at most half of -duration)")
	every := fs.Duration("every", time.Minute, "sampling interval")
	churn := fs.Duration("churn", 30*time.Second, "mean life of a bot's connection before it leaves or drops")
	out := fs.String("out", "", "write the markdown report to this file too (e.g. bench/results/soak-DATE.md)")
	bin := fs.String("bin", "", "skirmish binary whose serve is soaked (default: this one)")
	serverLog := fs.Bool("server-log", false, "pass the server's log (warnings and up) to stderr")
	smoke := fs.Bool("smoke", false, "a quick run of the harness (16 bots, 30s, samples every 10s, churn 5s) that fails only when the harness is broken, never on a figure (make test)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := func(code int, format string, args ...any) int {
		fmt.Fprintf(stderr, "skirmish soak: "+format+"\n", args...)
		return code
	}
	if fs.NArg() > 0 {
		return fail(2, "unexpected argument %q", fs.Arg(0))
	}
	if *bots < 1 || *duration <= 0 || *every <= 0 || *churn <= 0 || *warmUp <= 0 {
		return fail(2, "-bots, -duration, -every, -churn and -warmup must be positive")
	}
	if *smoke {
		*bots, *duration, *warmUp, *every, *churn = 16, 30*time.Second, 10*time.Second, 10*time.Second, 5*time.Second
	}
	if *bin == "" {
		self, err := os.Executable()
		if err != nil {
			return fail(1, "%v", err)
		}
		*bin = self
	}
	var serverLogTo io.Writer = io.Discard
	if *serverLog {
		serverLogTo = stderr
	}
	res, err := soak.Run(ctx, &soak.Options{
		Bin: *bin, Bots: *bots, Duration: *duration, WarmUp: *warmUp, Every: *every, Churn: *churn,
		Logger: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo})),
	}, serverLogTo)
	if err != nil {
		return fail(1, "%v", err)
	}
	title := "Soak " + time.Now().UTC().Format("2006-01-02")
	if err := res.WriteMarkdown(stdout, title, ""); err != nil {
		return fail(1, "%v", err)
	}
	if *out != "" {
		if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
			return fail(1, "%v", err)
		}
		f, err := os.Create(*out)
		if err != nil {
			return fail(1, "%v", err)
		}
		werr := res.WriteMarkdown(f, title, "")
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return fail(1, "%v", werr)
		}
	}
	if len(res.Broken) > 0 {
		return fail(1, "the harness is broken: %s", strings.Join(res.Broken, "; "))
	}
	if !res.Passed() && !*smoke {
		return fail(1, "growth beyond the bounds (see the report)")
	}
	return 0
}
