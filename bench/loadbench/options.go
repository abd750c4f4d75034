package loadbench

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// Options is one benchmark run: what `skirmish loadbench` reads from its
// flags (ParseFlags). Its errors name the flags.
type Options struct {
	// CCUs are the connected players of each step, ascending; a mode stops
	// at the first step the server does not hold.
	CCUs []int
	// Window is the measured playing time of a step, after its Ramp (at
	// least a second); Ramp is how long the step's bots take to connect.
	Window, Ramp time.Duration
	// Interest lists the interest settings to run, in order: false is
	// `serve -view all`, true `-view 2000x1200`.
	Interest []bool
	// Out is the markdown report's path: "" for the default
	// (bench/results/arena-v1-<date>[-pinned].md, a temp file when Smoke),
	// "-" for stdout only.
	Out string
	// Bin is the skirmish binary run as the server (its serve command);
	// "" is this process's own executable.
	Bin string
	// Big adds one 256-player match with interest management.
	Big bool
	// Smoke marks a harness check: a step whose bots get no snapshot is a
	// failure, and the report says its figures mean nothing.
	Smoke bool
	// Seed seeds the match worlds and the bots.
	Seed uint64
	// Retries is how often a step not held is run again before its mode
	// stops (neighbours on a shared machine can stall it).
	Retries int
	// Note is a line for the report's notes; "" for none.
	Note string
	// BotLogLevel is the level of the bots' log, written to stderr.
	BotLogLevel slog.Level
	// Pin runs the server on the first CPU and the load tool on the
	// others (Linux, at least 2 CPUs).
	Pin bool
	// Command is the command line the report shows; "" for
	// "skirmish loadbench".
	Command string
	// Floor runs the floor server (package floor) after each step with
	// the same bots and bytes, and reports Skirmish's CPU as a ratio to
	// its CPU.
	Floor bool
	// ServeFloor, when not empty, makes Run serve the floor on this
	// address instead of benchmarking (how the harness starts its floor
	// child), with snapshot frames of FloorFrameBytes.
	ServeFloor      string
	FloorFrameBytes int
	// AllSteps runs every CCU step of a mode even after one is not held:
	// for the floor ratio on a machine too noisy to hold the tick.
	AllSteps bool
	// FloorRounds runs each step and its floor this many times (at least
	// 1), alternating, and judges the floor ratio by the rounds' median:
	// on a shared machine either figure can move by a fifth between two
	// runs.
	FloorRounds int
	// Syscalls counts the server's and the floor's system calls over each
	// window with perf (Linux; root or perf_event_paranoid ≤ -1).
	Syscalls bool
}

// ParseFlags reads the command line of `skirmish loadbench` (without the
// command name); with -smoke, the flags not given take the smoke run's
// values. It writes usage and flag errors to stderr; -h yields
// flag.ErrHelp.
func ParseFlags(args []string, stderr io.Writer) (*Options, error) {
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
	floorOn := fs.Bool("floor", true, "after each step, serve the same bots and bytes from a bare epoll WebSocket server (the floor: no simulation) and report Skirmish's CPU as a ratio to it (Linux)")
	serveFloor := fs.String("serve-floor", "", "serve the floor on this address (host:port) and do nothing else: how the harness starts its floor child")
	floorFrame := fs.Int("floor-frame-bytes", 200, "with -serve-floor: bytes of each snapshot frame, WebSocket header included")
	floorRounds := fs.Int("floor-rounds", 1, "run each step and its floor this many times, alternating, and judge Skirmish ÷ floor by the median of the rounds (a shared machine moves either figure by a fifth between runs)")
	allSteps := fs.Bool("all-steps", false, "run every -ccu step even after one is not held (the floor ratio on a noisy machine)")
	syscalls := fs.Bool("syscalls", false, "count the system calls of the server and the floor over each window (perf stat -e raw_syscalls:sys_enter; needs perf and root)")
	pin := fs.Bool("pin", false, "run the server on the first CPU and the load tool on the others (Linux, at least 2 CPUs), so neither takes the other's time slices; the report goes to arena-v1-<date>-pinned.md")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	o := &Options{
		Window: *window, Ramp: *ramp, Out: *out, Bin: *bin, Big: *big, Smoke: *smoke,
		Seed: *seed, Retries: *retries, Note: *note, Pin: *pin,
		Floor: *floorOn, ServeFloor: *serveFloor, FloorFrameBytes: *floorFrame,
		AllSteps: *allSteps, Syscalls: *syscalls, FloorRounds: *floorRounds,
		Command: strings.TrimSpace("skirmish loadbench " + strings.Join(args, " ")),
	}
	if o.Smoke {
		if !set["retries"] {
			o.Retries = 0
		}
		if !set["ccu"] {
			*ccu = "32"
		}
		if !set["window"] {
			o.Window = 3 * time.Second
		}
		if !set["ramp"] {
			o.Ramp = time.Second
		}
		if !set["big"] {
			o.Big = false
		}
	}
	var err error
	if o.CCUs, err = parseCCUs(*ccu); err != nil {
		return nil, fmt.Errorf("bad -ccu: %w", err)
	}
	switch *interest {
	case "both":
		o.Interest = []bool{false, true}
	case "off":
		o.Interest = []bool{false}
	case "on":
		o.Interest = []bool{true}
	default:
		return nil, fmt.Errorf("bad -interest %q: want both, on or off", *interest)
	}
	if err := o.BotLogLevel.UnmarshalText([]byte(*botLog)); err != nil {
		return nil, fmt.Errorf("bad -bot-log-level: %w", err)
	}
	if err := o.validate(); err != nil {
		return nil, err
	}
	return o, nil
}

// validate checks what ParseFlags cannot have got wrong but a caller
// building Options may have.
func (o *Options) validate() error {
	if o.ServeFloor != "" {
		return nil // floor.Options checks its own
	}
	if o.Window < time.Second || o.Ramp < 0 || o.Retries < 0 {
		return errors.New("-window must be at least 1s, -ramp and -retries not negative")
	}
	if o.FloorRounds < 1 {
		return errors.New("-floor-rounds must be at least 1")
	}
	if len(o.CCUs) == 0 || len(o.Interest) == 0 {
		return errors.New("no step to run: -ccu and -interest must name at least one")
	}
	for _, n := range o.CCUs {
		if n < 1 {
			return fmt.Errorf("bad -ccu: %d: want at least 1", n)
		}
	}
	return nil
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
