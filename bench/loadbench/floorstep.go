package loadbench

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/skirmishgg/skirmish/client/bot"
)

// floorResult is the floor server's run of a step: a fresh floor child
// (this binary's `loadbench -serve-floor`), the step's CCU of bots for
// the same ramp and window, snapshot frames of the size Skirmish wrote on
// average. Only the process's CPU and context switches are measured; the
// bots' figures show that the traffic was the same.
type floorResult struct {
	FrameBytes  int
	Window      time.Duration
	CPU         time.Duration
	LoadgenCPU  time.Duration
	CtxSwitches uint64
	Syscalls    uint64 // over the window (-syscalls; 0: not counted)
	SyscallsErr string
	Bots        bot.Summary
	ServerTail  string
	Err         error // a harness failure: no floor figures
}

// runFloorStep runs the floor for the Skirmish step sk (which must have
// measured snapshots), with the binary self.
func runFloorStep(ctx context.Context, self string, sk *stepResult) floorResult {
	cfg := sk.Config
	var fr floorResult
	if sk.SnapshotsSent <= 0 {
		fr.Err = errors.New("no snapshot frame size: Skirmish sent no snapshot in the window")
		return fr
	}
	fr.FrameBytes = int(math.Round(sk.BytesOut / sk.SnapshotsSent))
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout())
	defer cancel()
	srv, err := startServer(ctx, self, []string{"loadbench", "-serve-floor", "127.0.0.1:0", "-floor-frame-bytes", strconv.Itoa(fr.FrameBytes)}, cfg.ServerCPUs)
	if err != nil {
		if srv != nil {
			fr.ServerTail = srv.stderr.String()
		}
		fr.Err = err
		return fr
	}
	defer func() {
		if err := srv.stop(); err != nil && fr.Err == nil {
			fr.Err = fmt.Errorf("floor exit: %w", err)
		}
		fr.ServerTail = srv.stderr.String()
	}()
	if !sleepCtx(ctx, stepIdle) {
		fr.Err = ctx.Err()
		return fr
	}
	start := time.Now()
	wait := startBots(ctx, srv, &cfg)
	fr.Err = fr.measure(ctx, srv.pid, start.Add(cfg.Ramp+stepSettle), &cfg)
	rep, botErr := wait()
	fr.Bots = rep.Summary()
	switch {
	case botErr != nil:
		fr.Err = fmt.Errorf("bots: %w", botErr)
	case fr.Err == nil && fr.Bots.Connects == 0:
		fr.Err = errors.New("no bot connected")
	}
	return fr
}

// measure samples the floor's CPU at both ends of the window.
func (fr *floorResult) measure(ctx context.Context, pid string, from time.Time, cfg *stepConfig) error {
	window, hz := cfg.Window, cfg.HZ
	if !sleepCtx(ctx, time.Until(from)) {
		return ctx.Err()
	}
	cpu0, err := sampleCPU(pid)
	if err != nil {
		return err
	}
	cs0 := readCtxSwitches(pid)
	t0 := time.Now()
	sc := countSyscalls(ctx, cfg.Syscalls, pid, window)
	if !sleepCtx(ctx, window) {
		return ctx.Err()
	}
	fr.Syscalls, fr.SyscallsErr = sc()
	cpu1, err := sampleCPU(pid)
	if err != nil {
		return err
	}
	fr.CtxSwitches = countSince(readCtxSwitches(pid), cs0)
	fr.Window = time.Since(t0)
	fr.CPU = cpu1.server.Total(hz) - cpu0.server.Total(hz)
	fr.LoadgenCPU = cpu1.self.Total(hz) - cpu0.self.Total(hz)
	return nil
}

// CPUPerClientSec is the floor's CPU milliseconds per client-second.
func (fr *floorResult) CPUPerClientSec(ccu int) float64 {
	return float64(fr.CPU) / float64(time.Millisecond) / (float64(ccu) * fr.Window.Seconds())
}

// FloorRatio is Skirmish's CPU per client-second over the floor's; NaN
// without a floor figure.
func (r *stepResult) FloorRatio() float64 {
	if r.Floor == nil || r.Floor.Err != nil || r.Floor.CPU <= 0 {
		return math.NaN()
	}
	return r.CPUPerClientSec() / r.Floor.CPUPerClientSec(r.Config.CCU)
}

// FloorComparable reports whether Skirmish and the floor both delivered
// (nearly) the full snapshot rate: a process starved by its neighbours
// does less work per client-second, so its ratio would flatter it.
func (r *stepResult) FloorComparable() bool {
	fr := r.Floor
	return fr != nil && fr.Err == nil &&
		r.Bots.SnapshotsPerSecP50 >= holdMinSnapshotsP50 && fr.Bots.SnapshotsPerSecP50 >= holdMinSnapshotsP50
}

// floorRatioText is the ratio for the tables, flagged when the two runs
// did not serve the same traffic.
func (r *stepResult) floorRatioText() string {
	t := ratioText(r.FloorRatio())
	if t != "–" && !r.FloorComparable() {
		t += " (not comparable: snapshots/s p50 below " + strconv.Itoa(holdMinSnapshotsP50) + ")"
	}
	return t
}

// CtxSwitchesPerClientSec is the server's context switches per
// client-second.
func (r *stepResult) CtxSwitchesPerClientSec() float64 {
	return float64(r.CtxSwitches) / float64(r.Config.CCU) / r.windowSecs()
}

// floorLine is the floor's run of a step in a line, printed as it ends.
func floorLine(r *stepResult) string {
	fr := r.Floor
	if fr.Err != nil {
		return fmt.Sprintf("  floor: harness error: %v", fr.Err)
	}
	return fmt.Sprintf("  floor: %d-byte snapshot frames, %.3f ms/client·s (Skirmish ÷ floor = %.2f), %.2f KB/s/client, %.1f snapshots/s, load tool %.0f%%",
		fr.FrameBytes, fr.CPUPerClientSec(r.Config.CCU), r.FloorRatio(), fr.Bots.BytesPerSecP50/kb, fr.Bots.SnapshotsPerSecP50,
		100*fr.LoadgenCPU.Seconds()/fr.Window.Seconds())
}
