package loadbench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/skirmishgg/skirmish/bench/loadbench/floor"
)

// Run measures the server under arena v1 at rising CCU, with and without
// interest management, and the 256-player match; it prints its progress
// and a markdown report to stdout and writes the report where opts.Out
// says. The bots and the server's log tail go to stderr. An error means
// the harness failed (bad options, a server that did not start, no bots,
// no metrics, no report), never a poor figure; the report is written
// first when there is one.
func Run(ctx context.Context, opts *Options, stdout, stderr io.Writer) error {
	if err := opts.validate(); err != nil {
		return err
	}
	if opts.ServeFloor != "" {
		return floor.Serve(ctx, &floor.Options{
			Addr: opts.ServeFloor, FrameBytes: opts.FloorFrameBytes,
			SnapshotRate: arenaSnapshotRate, MatchSize: arenaMatchSize,
		}, stdout)
	}
	o := *opts
	if o.Bin == "" {
		var err error
		if o.Bin, err = os.Executable(); err != nil {
			return fmt.Errorf("find this binary (give -bin): %w", err)
		}
	}
	if o.Command == "" {
		o.Command = "skirmish loadbench"
	}
	run := &benchRun{
		Started:    time.Now(),
		Command:    o.Command,
		Machine:    describeMachine(),
		LoadBefore: loadAverage(),
		HZ:         clockTicks(),
		Ramp:       o.Ramp,
		Window:     o.Window,
		Smoke:      o.Smoke,
		Retries:    o.Retries,
	}
	if o.Note != "" {
		run.Notes = append(run.Notes, o.Note)
	}
	if o.Pin {
		var err error
		if run.ServerCPUs, run.LoadgenCPUs, err = splitCPUs(); err != nil {
			return fmt.Errorf("-pin: %w", err)
		}
	}
	steps := len(o.CCUs)*len(o.Interest) + map[bool]int{true: 1}[o.Big]
	probe := stepConfig{Ramp: o.Ramp, Window: o.Window}
	fmt.Fprintf(stdout, "loadbench: up to %d steps (+%d reruns each when not held) of %v ramp + %v window, each bounded by %v; server %s\n",
		steps, o.Retries, o.Ramp, o.Window, probe.timeout(), o.Bin)

	broken := runSteps(ctx, &o, run, stdout, stderr)
	run.Elapsed = time.Since(run.Started)
	run.LoadAfter = loadAverage()
	if err := writeReport(run, &o, stdout); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "loadbench: total time %v\n", run.Elapsed.Round(100*time.Millisecond))
	if broken != nil {
		return fmt.Errorf("harness failed: %w", broken)
	}
	return nil
}

// runSteps runs every step into run and returns the first harness failure.
func runSteps(ctx context.Context, o *Options, run *benchRun, stdout, stderr io.Writer) error {
	var broken error
	flags := serveFlags(ctx, o.Bin)
	self, err := os.Executable()
	if o.Floor && err != nil {
		o.Floor = false
		run.Notes = append(run.Notes, fmt.Sprintf("no floor: cannot find this binary: %v", err))
	}
	base := stepConfig{
		Bin: o.Bin, Ramp: o.Ramp, Window: o.Window, Seed: o.Seed, HZ: run.HZ,
		NoWeb:      flags["web"],
		NoConnCaps: flags["max-conns-per-ip"],
		NoAddrCap:  flags["max-seats-per-ip"],
		NoGuestCap: flags["guest-rate"],
		SeatCap:    flags["capacity"],
		ServerCPUs: run.ServerCPUs,
		Syscalls:   o.Syscalls,
		BotLogger:  slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: o.BotLogLevel})),
	}
	// moreRounds runs a step and its floor again, -floor-rounds times in
	// all, for the median ratio; the step's verdict stays the first
	// round's.
	moreRounds := func(ctx context.Context, cfg stepConfig) error {
		var broken error
		for round := 2; round <= o.FloorRounds && ctx.Err() == nil; round++ {
			fmt.Fprintf(stdout, "  round %d of %d:\n", round, o.FloorRounds)
			res, err := runStep(ctx, cfg)
			run.Steps = append(run.Steps, stepOutcome{Result: res, Err: err, Round: round})
			if err != nil {
				return errors.Join(broken, fmt.Errorf("interest %s, %d CCU, round %d: %w", modeLabel(&cfg), cfg.CCU, round, err))
			}
			fmt.Fprintf(stdout, "  %s\n", progressLine(&res))
			broken = errors.Join(broken, runFloor(ctx, self, o.Smoke, &run.Steps[len(run.Steps)-1].Result, stdout, stderr))
		}
		return broken
	}
	// record runs a step, again while it is not held and retries are
	// left, and reports whether it held in the end.
	record := func(cfg stepConfig) bool {
		for attempt := 0; ; attempt++ {
			res, err := runStep(ctx, cfg)
			if err == nil && o.Smoke && res.Bots.BotsWithoutSnapshots > 0 {
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
			retry := !res.Held() && attempt < o.Retries && ctx.Err() == nil
			run.Steps = append(run.Steps, stepOutcome{Result: res, Retried: retry})
			fmt.Fprintf(stdout, "  %s\n", progressLine(&res))
			if !retry {
				if o.Floor && cfg.MaxPlayers == 0 {
					run.Steps[len(run.Steps)-1].Round = 1
					broken = errors.Join(broken, runFloor(ctx, self, o.Smoke, &run.Steps[len(run.Steps)-1].Result, stdout, stderr))
					broken = errors.Join(broken, moreRounds(ctx, cfg))
				}
				return res.Held()
			}
			fmt.Fprintf(stdout, "  not held: running the step again\n")
		}
	}
	for _, interest := range o.Interest {
		for _, ccu := range o.CCUs {
			if ctx.Err() != nil {
				return errors.Join(broken, ctx.Err())
			}
			cfg := base
			cfg.Interest, cfg.CCU = interest, ccu
			if !record(cfg) && !o.AllSteps {
				why := "the first step not held"
				if last := run.Steps[len(run.Steps)-1]; last.Err != nil {
					why = "a harness error"
				}
				if ccu != o.CCUs[len(o.CCUs)-1] {
					run.Notes = append(run.Notes, fmt.Sprintf("interest %s: escalation stopped at %d CCU: %s", modeLabel(&cfg), ccu, why))
				}
				break
			}
		}
	}
	if !o.Big || ctx.Err() != nil {
		return broken
	}
	if !flags["max-players"] {
		run.Notes = append(run.Notes, fmt.Sprintf("%d-player match skipped: %s has no `serve -max-players`", bigMatchPlayers, filepath.Base(o.Bin)))
		return broken
	}
	cfg := base
	cfg.Interest, cfg.CCU, cfg.MaxPlayers = true, bigMatchPlayers, bigMatchPlayers
	record(cfg)
	return broken
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

// runFloor runs the floor after the Skirmish step res (its last run) and
// stores it in res; it returns a harness failure.
func runFloor(ctx context.Context, self string, smoke bool, res *stepResult, stdout, stderr io.Writer) error {
	fl := runFloorStep(ctx, self, res)
	if fl.Err == nil && smoke && fl.Bots.BotsWithoutSnapshots > 0 {
		fl.Err = fmt.Errorf("%d of %d bots never got a snapshot", fl.Bots.BotsWithoutSnapshots, res.Config.CCU)
	}
	res.Floor = &fl
	fmt.Fprintf(stdout, "  %s\n", floorLine(res))
	if fl.Err == nil {
		return nil
	}
	if fl.ServerTail != "" {
		fmt.Fprintf(stderr, "floor log (tail):\n%s\n", fl.ServerTail)
	}
	return fmt.Errorf("floor, interest %s, %d CCU: %w", modeLabel(&res.Config), res.Config.CCU, fl.Err)
}
