package loadbench

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// loadbenchFlags is the command line of `skirmish loadbench`.
type loadbenchFlags struct {
	ccus     []int
	window   time.Duration
	ramp     time.Duration
	interest []bool // the modes to run, off first
	out      string // "" default path, "-" stdout only
	bin      string
	big      bool
	smoke    bool
	seed     uint64
	retries  int // reruns of a step not held
	note     string
	botLevel slog.Level
	pin      bool // the server on one CPU, the load tool on the others
}

// parseLoadbenchFlags reads the flags; with -smoke, the ones not given take
// the smoke run's values.
func parseLoadbenchFlags(args []string, stderr io.Writer) (*loadbenchFlags, error) {
	fs := flag.NewFlagSet("skirmish loadbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ccu := fs.String("ccu", "256,512,1024,2048", "connected players per step, ascending; a mode stops at the first step the server does not hold")
	window := fs.Duration("window", 20*time.Second, "measured playing time per step, after the ramp")
	ramp := fs.Duration("ramp", 5*time.Second, "how long the bots of a step take to connect")
	interest := fs.String("interest", "both", "interest management: both, on (-view "+interestView+") or off (-view all)")
	out := fs.String("out", "", "markdown report path (default bench/results/arena-v1-<date>.md; '-': stdout only)")
	bin := fs.String("bin", "", "the skirmish binary to run as the server (default: this one)")
	big := fs.Bool("big", true, "also run one 256-player match with interest management")
	smoke := fs.Bool("smoke", false, "check the harness: 32 CCU, 3 s, each mode once, no big match, report to a temp file; fails only when the harness is broken")
	seed := fs.Uint64("seed", 1, "seed of the match worlds and the bots")
	retries := fs.Int("retries", 1, "how often a step not held is run again before its mode stops (neighbours on a shared machine can stall it)")
	note := fs.String("note", "", "a line for the report's notes (what is special about this run)")
	botLog := fs.String("bot-log-level", "error", "log level of the bots: debug, info, warn or error")
	pin := fs.Bool("pin", false, "run the server on the first CPU and the load tool on the others (Linux, at least 2 CPUs), so neither takes the other's time slices; the report goes to arena-v1-<date>-pinned.md")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	f := &loadbenchFlags{window: *window, ramp: *ramp, out: *out, bin: *bin, big: *big, smoke: *smoke, seed: *seed, retries: *retries, note: *note, pin: *pin}
	if f.smoke {
		if !set["retries"] {
			f.retries = 0
		}
		if !set["ccu"] {
			*ccu = "32"
		}
		if !set["window"] {
			f.window = 3 * time.Second
		}
		if !set["ramp"] {
			f.ramp = time.Second
		}
		if !set["big"] {
			f.big = false
		}
	}
	var err error
	if f.ccus, err = parseCCUs(*ccu); err != nil {
		return nil, fmt.Errorf("bad -ccu: %w", err)
	}
	switch *interest {
	case "both":
		f.interest = []bool{false, true}
	case "off":
		f.interest = []bool{false}
	case "on":
		f.interest = []bool{true}
	default:
		return nil, fmt.Errorf("bad -interest %q: want both, on or off", *interest)
	}
	if f.window < time.Second || f.ramp < 0 || f.retries < 0 {
		return nil, errors.New("-window must be at least 1s, -ramp and -retries not negative")
	}
	if err := f.botLevel.UnmarshalText([]byte(*botLog)); err != nil {
		return nil, fmt.Errorf("bad -bot-log-level: %w", err)
	}
	return f, nil
}

// parseCCUs reads a comma-separated list of positive counts.
func parseCCUs(s string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil {
			return nil, fmt.Errorf("%q: %w", part, err)
		}
		if n < 1 {
			return nil, fmt.Errorf("%d: want at least 1", n)
		}
		out = append(out, n)
	}
	return out, nil
}

// Run measures the server under arena v1 at rising CCU, with and
// without interest management, and the 256-player match; it prints and
// writes a markdown report. Exit 1 means the harness failed (a server that
// did not start, no bots, no metrics), never a poor figure.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f, err := parseLoadbenchFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	} else if err != nil {
		fmt.Fprintf(stderr, "skirmish loadbench: %v\n", err)
		return 2
	}
	if f.bin == "" {
		if f.bin, err = os.Executable(); err != nil {
			fmt.Fprintf(stderr, "skirmish loadbench: find this binary (give -bin): %v\n", err)
			return 1
		}
	}
	run := &benchRun{
		Started:    time.Now(),
		Command:    strings.TrimSpace("skirmish loadbench " + strings.Join(args, " ")),
		Machine:    describeMachine(),
		LoadBefore: loadAverage(),
		HZ:         clockTicks(),
		Ramp:       f.ramp,
		Window:     f.window,
		Smoke:      f.smoke,
		Retries:    f.retries,
	}
	if f.note != "" {
		run.Notes = append(run.Notes, f.note)
	}
	if f.pin {
		if run.ServerCPUs, run.LoadgenCPUs, err = splitCPUs(); err != nil {
			fmt.Fprintf(stderr, "skirmish loadbench: -pin: %v\n", err)
			return 1
		}
	}
	steps := len(f.ccus)*len(f.interest) + map[bool]int{true: 1}[f.big]
	probe := stepConfig{Ramp: f.ramp, Window: f.window}
	fmt.Fprintf(stdout, "loadbench: up to %d steps (+%d reruns each when not held) of %v ramp + %v window, each bounded by %v; server %s\n",
		steps, f.retries, f.ramp, f.window, probe.timeout(), f.bin)

	broken := runSteps(ctx, f, run, stdout, stderr)
	run.Elapsed = time.Since(run.Started)
	run.LoadAfter = loadAverage()
	if err := writeReport(run, f, stdout); err != nil {
		fmt.Fprintf(stderr, "skirmish loadbench: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "loadbench: total time %v\n", run.Elapsed.Round(100*time.Millisecond))
	if broken != nil {
		fmt.Fprintf(stderr, "skirmish loadbench: harness failed: %v\n", broken)
		return 1
	}
	return 0
}

// runSteps runs every step into run and returns the first harness failure.
func runSteps(ctx context.Context, f *loadbenchFlags, run *benchRun, stdout, stderr io.Writer) error {
	var broken error
	flags := serveFlags(ctx, f.bin)
	base := stepConfig{
		Bin: f.bin, Ramp: f.ramp, Window: f.window, Seed: f.seed, HZ: run.HZ,
		NoWeb:      flags["web"],
		ServerCPUs: run.ServerCPUs,
		BotLogger:  slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: f.botLevel})),
	}
	// record runs a step, again while it is not held and retries are
	// left, and reports whether it held in the end.
	record := func(cfg stepConfig) bool {
		for attempt := 0; ; attempt++ {
			res, err := runStep(ctx, cfg)
			if err == nil && f.smoke && res.Bots.BotsWithoutSnapshots > 0 {
				err = fmt.Errorf("%d of %d bots never got a snapshot", res.Bots.BotsWithoutSnapshots, cfg.CCU)
			}
			if err != nil {
				run.Steps = append(run.Steps, stepOutcome{Result: res, Err: err})
				err = fmt.Errorf("interest %s, %d CCU: %w", modeLabel(&cfg), cfg.CCU, err)
				broken = errors.Join(broken, err)
				fmt.Fprintf(stdout, "  %s\n", err)
				if res.ServerTail != "" {
					fmt.Fprintf(stderr, "server log (tail):\n%s\n", res.ServerTail)
				}
				return false
			}
			retry := !res.Held() && attempt < f.retries && ctx.Err() == nil
			run.Steps = append(run.Steps, stepOutcome{Result: res, Retried: retry})
			fmt.Fprintf(stdout, "  %s\n", progressLine(&res))
			if !retry {
				return res.Held()
			}
			fmt.Fprintf(stdout, "  not held: running the step again\n")
		}
	}
	for _, interest := range f.interest {
		for _, ccu := range f.ccus {
			if ctx.Err() != nil {
				return errors.Join(broken, ctx.Err())
			}
			cfg := base
			cfg.Interest, cfg.CCU = interest, ccu
			if !record(cfg) {
				why := "the first step not held"
				if last := run.Steps[len(run.Steps)-1]; last.Err != nil {
					why = "a harness error"
				}
				if ccu != f.ccus[len(f.ccus)-1] {
					run.Notes = append(run.Notes, fmt.Sprintf("interest %s: escalation stopped at %d CCU: %s", modeLabel(&cfg), ccu, why))
				}
				break
			}
		}
	}
	if !f.big || ctx.Err() != nil {
		return broken
	}
	if !flags["max-players"] {
		run.Notes = append(run.Notes, fmt.Sprintf("%d-player match skipped: %s has no `serve -max-players`", bigMatchPlayers, filepath.Base(f.bin)))
		return broken
	}
	cfg := base
	cfg.Interest, cfg.CCU, cfg.MaxPlayers = true, bigMatchPlayers, bigMatchPlayers
	record(cfg)
	return broken
}

// serveFlags lists the flags of bin's serve command, from its -h output
// ("  -name type" lines), so the load tool works with older binaries.
func serveFlags(ctx context.Context, bin string) map[string]bool {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, _ := exec.CommandContext(ctx, bin, "serve", "-h").CombinedOutput()
	return parseFlagNames(string(out))
}

// parseFlagNames reads the flag names out of a flag.FlagSet's usage text.
func parseFlagNames(usage string) map[string]bool {
	names := map[string]bool{}
	for _, line := range strings.Split(usage, "\n") {
		if f := strings.Fields(line); len(f) > 0 && strings.HasPrefix(line, "  -") {
			names[strings.TrimPrefix(f[0], "-")] = true
		}
	}
	return names
}

// progressLine is one step in a line, printed as it ends.
func progressLine(r *stepResult) string {
	verdict := "held"
	if p := r.Problems(); len(p) > 0 {
		verdict = "NOT HELD: " + strings.Join(p, "; ")
	}
	return fmt.Sprintf("interest %-3s %5d CCU: server %3.0f%% of a core (%.3f ms/client·s), RSS %.1f KB/client, %.2f KB/s/client, %.1f snapshots/s, tick p99 %s ms, late p99 %s ms, load tool %.0f%% — %s",
		modeLabel(&r.Config), r.Config.CCU, r.CPUPercent(), r.CPUPerClientSec(), r.RSSPerClient(), r.ServerKBps(),
		r.Bots.SnapshotsPerSecP50, msText(r.Tick.Quantile(0.99)), msText(r.Lateness.Quantile(0.99)), r.LoadgenPercent(), verdict)
}

// writeReport prints the markdown report and writes it where -out says:
// a temp file for a smoke run, the dated default, a path, or nowhere ('-').
func writeReport(run *benchRun, f *loadbenchFlags, stdout io.Writer) error {
	var md strings.Builder
	if err := run.writeMarkdown(&md); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\n%s\n", md.String())
	path := f.out
	switch {
	case path == "-":
		return nil
	case path == "" && f.smoke:
		tmp, err := os.CreateTemp("", "loadbench-smoke-*.md")
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		path = tmp.Name()
		tmp.Close()
	case path == "" && f.pin:
		path = filepath.Join("bench", "results", "arena-v1-"+run.Started.Format("2006-01-02")+"-pinned.md")
	case path == "":
		path = filepath.Join("bench", "results", "arena-v1-"+run.Started.Format("2006-01-02")+".md")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := os.WriteFile(path, []byte(md.String()), 0o644); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	fmt.Fprintf(stdout, "loadbench: report written to %s\n", path)
	return nil
}
