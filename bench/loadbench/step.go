package loadbench

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/skirmishgg/skirmish/client/bot"
)

// Arena v1, the benchmark's workload: 16-player matches at 60 Hz, state at
// 20 Hz, inputs at 30 Hz. The server places joining players in the first
// match with a free seat (no matchmaking), so matches fill in order.
const (
	arenaSnapshotRate = 20
	arenaInputRate    = 30
	arenaMatchSize    = 16
	interestView      = "2000x1200"
)

// Timing of a step beyond its ramp and window: the server idles before the
// bots come; measurement starts stepSettle after the last bot started, so
// the last joins are done; the bots play stepGuard past the window, so the
// closing scrape never sees them leave.
const (
	stepIdle   = 500 * time.Millisecond
	stepSettle = time.Second
	stepGuard  = time.Second
)

// stepConfig is one measured run: a fresh server, CCU bots.
type stepConfig struct {
	Bin        string
	Interest   bool // the server sends each client only what is in its view
	CCU        int
	MaxPlayers int // players per match (0: the arena's 16)
	Ramp       time.Duration
	Window     time.Duration
	Seed       uint64
	HZ         int  // USER_HZ, for /proc CPU times
	NoWeb      bool // pass -web= (no browser client at /): the server has -web
	NoConnCaps bool // pass -max-conns=0 -max-conns-per-ip=0: every bot comes from one address
	NoGuestCap bool // pass -guest-rate=0: every bot gets a guest identity from one address
	// NoAddrCap passes -max-seats-per-ip 0: every bot comes from
	// loopback, one address. The server has the flag.
	NoAddrCap bool
	// SeatCap passes -capacity CCU when it is above serve's default of
	// 1024 seats: the server has the flag, and would refuse the rest.
	SeatCap    bool
	ServerCPUs []int // run the server on these CPUs only (-pin); nil: anywhere
	Syscalls   bool  // count the server's system calls over the window
	BotLogger  *slog.Logger
}

// serveArgs is the server's command line for the step.
func (c *stepConfig) serveArgs() []string {
	view := "all"
	if c.Interest {
		view = interestView
	}
	args := []string{"serve", "-addr", "127.0.0.1:0",
		"-snapshot-rate", strconv.Itoa(arenaSnapshotRate),
		"-view", view, "-log-level", "warn", "-matchmaking=false",
		"-seed", strconv.FormatUint(c.Seed, 10)}
	if c.MaxPlayers > 0 {
		args = append(args, "-max-players", strconv.Itoa(c.MaxPlayers))
	}
	if c.NoWeb {
		args = append(args, "-web=")
	}
	if c.NoConnCaps {
		args = append(args, "-max-conns=0", "-max-conns-per-ip=0")
	}
	if c.NoAddrCap {
		args = append(args, "-max-seats-per-ip", "0")
	}
	if c.NoGuestCap {
		args = append(args, "-guest-rate=0")
	}
	if c.SeatCap && c.CCU > 1024 {
		args = append(args, "-capacity", strconv.Itoa(c.CCU))
	}
	return args
}

// timeout bounds the whole step.
func (c *stepConfig) timeout() time.Duration {
	return serverStartTimeout + stepIdle + c.Ramp + stepSettle + c.Window + stepGuard + 30*time.Second + serverStopTimeout
}

// stepResult is what one step measured. Server figures are over the window
// only; the bots' rates are over their whole connected time.
type stepResult struct {
	Config stepConfig

	Window        time.Duration // the measured window, as it was
	ServerCPU     time.Duration // server utime+stime over the window
	LoadgenCPU    time.Duration // this process's, over the window
	MachineBusy   time.Duration // every process's, over the window
	IdleRSS       uint64        // server VmRSS before the bots, bytes
	PeakRSS       uint64        // server VmHWM at the window's end, bytes
	Matches       float64       // skirmish_matches at the window's end
	Players       float64       // skirmish_players at the window's end
	Tick          promHistogram // step durations in the window
	Lateness      promHistogram // step lateness in the window
	Overruns      float64
	Dropped       float64 // ticks dropped in the window
	SnapshotsSent float64
	Skipped       float64 // snapshots skipped in the window
	BytesOut      float64

	// CtxSwitches is the server's context switches (voluntary and not,
	// summed over its threads) over the window.
	CtxSwitches uint64
	// Syscalls is the server's system calls over the window (-syscalls;
	// 0: not counted), SyscallsErr why there is no count.
	Syscalls    uint64
	SyscallsErr string
	// Floor is the floor server's run of the same step; nil: not run.
	Floor *floorResult

	Bots        bot.Summary
	ServerLog   int    // lines the server logged (at warn and up)
	ServerTail  string // the end of its log
	ServerError string // how it exited, when not cleanly
}

// windowMetrics is what a scrape pair yields.
type windowMetrics struct {
	tick, late                                          promHistogram
	overruns, dropped, sent, skipped, bytesOut, matches float64
	players                                             float64
}

// runStep starts a server, plays cfg.CCU bots against it and measures it.
// An error means the harness failed (no server, no metrics, no bots); how
// well the server did is in the result.
func runStep(ctx context.Context, cfg stepConfig) (stepResult, error) {
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout())
	defer cancel()
	srv, err := startServer(ctx, cfg.Bin, cfg.serveArgs(), cfg.ServerCPUs)
	if err != nil {
		res := stepResult{Config: cfg}
		if srv != nil {
			res.ServerLog, res.ServerTail = srv.stderr.Lines(), srv.stderr.String()
		}
		return res, err
	}
	res, err := playStep(ctx, srv, cfg)
	if serr := srv.stop(); serr != nil {
		res.ServerError = serr.Error()
	}
	res.ServerLog, res.ServerTail = srv.stderr.Lines(), srv.stderr.String()
	return res, err
}

// playStep measures the idle server, then plays the bots against it and
// measures the window.
func playStep(ctx context.Context, srv *serverProc, cfg stepConfig) (stepResult, error) {
	res := stepResult{Config: cfg}
	if !sleepCtx(ctx, stepIdle) {
		return res, ctx.Err()
	}
	idle, err := readProcMem(srv.pid)
	if err != nil {
		return res, fmt.Errorf("server: %w", err)
	}
	res.IdleRSS = idle.RSS

	start := time.Now()
	wait := startBots(ctx, srv, &cfg)
	wm, err := measureWindow(ctx, srv, start.Add(cfg.Ramp+stepSettle), cfg.Window, &res)
	rep, botErr := wait()
	if botErr != nil {
		return res, fmt.Errorf("bots: %w", botErr)
	}
	res.Bots = rep.Summary()
	if err != nil {
		return res, err
	}
	res.Tick, res.Lateness = wm.tick, wm.late
	res.Overruns, res.Dropped, res.SnapshotsSent = wm.overruns, wm.dropped, wm.sent
	res.Skipped, res.BytesOut = wm.skipped, wm.bytesOut
	res.Matches, res.Players = wm.matches, wm.players
	if res.Bots.Connects == 0 {
		return res, errors.New("no bot connected")
	}
	return res, nil
}

// startBots plays cfg.CCU bots against srv for the step's ramp, settle,
// window and guard; the returned function waits for their report.
func startBots(ctx context.Context, srv *serverProc, cfg *stepConfig) func() (bot.Report, error) {
	var (
		wg     sync.WaitGroup
		rep    bot.Report
		botErr error
	)
	wg.Go(func() {
		rep, botErr = bot.Run(ctx, &bot.Options{
			URL:       srv.wsURL(),
			Bots:      cfg.CCU,
			Duration:  stepSettle + cfg.Window + stepGuard,
			Seed:      cfg.Seed,
			InputRate: arenaInputRate,
			Ramp:      cfg.Ramp,
			Name:      "bench",
			Logger:    cfg.BotLogger,
		})
	})
	return func() (bot.Report, error) {
		wg.Wait()
		return rep, botErr
	}
}

// measureWindow waits until from, then samples the server's CPU and
// metrics at both ends of a window long; it fills the CPU and memory
// figures of res and returns the metric deltas.
func measureWindow(ctx context.Context, srv *serverProc, from time.Time, window time.Duration, res *stepResult) (windowMetrics, error) {
	hz := res.Config.HZ
	if !sleepCtx(ctx, time.Until(from)) {
		return windowMetrics{}, ctx.Err()
	}
	before, err := srv.scrape(ctx)
	if err != nil {
		return windowMetrics{}, err
	}
	cpu0, err := sampleCPU(srv.pid)
	if err != nil {
		return windowMetrics{}, err
	}
	t0 := time.Now()
	cs0 := readCtxSwitches(srv.pid)
	sc := countSyscalls(ctx, res.Config.Syscalls, srv.pid, window)

	if !sleepCtx(ctx, window) {
		return windowMetrics{}, ctx.Err()
	}
	res.Syscalls, res.SyscallsErr = sc()
	cpu1, err := sampleCPU(srv.pid)
	if err != nil {
		return windowMetrics{}, err
	}
	res.CtxSwitches = countSince(readCtxSwitches(srv.pid), cs0)
	res.Window = time.Since(t0)
	mem, err := readProcMem(srv.pid)
	if err != nil {
		return windowMetrics{}, fmt.Errorf("server: %w", err)
	}
	after, err := srv.scrape(ctx)
	if err != nil {
		return windowMetrics{}, err
	}
	res.ServerCPU = cpu1.server.Total(hz) - cpu0.server.Total(hz)
	res.LoadgenCPU = cpu1.self.Total(hz) - cpu0.self.Total(hz)
	res.MachineBusy = time.Duration(cpu1.machine.Busy-cpu0.machine.Busy) * time.Second / time.Duration(hz)
	res.PeakRSS = mem.HWM
	return metricDeltas(before, after)
}

// metricDeltas is what the server counted between two scrapes.
func metricDeltas(before, after promScrape) (windowMetrics, error) {
	var wm windowMetrics
	var err error
	if wm.tick, err = histDelta(before, after, "skirmish_tick_duration_seconds"); err != nil {
		return wm, err
	}
	if wm.late, err = histDelta(before, after, "skirmish_tick_lateness_seconds"); err != nil {
		return wm, err
	}
	counters := []struct {
		name string
		dst  *float64
	}{
		{"skirmish_tick_overruns_total", &wm.overruns},
		{"skirmish_ticks_dropped_total", &wm.dropped},
		{"skirmish_snapshots_sent_total", &wm.sent},
		{"skirmish_snapshots_skipped_total", &wm.skipped},
		{"skirmish_bytes_out_total", &wm.bytesOut},
	}
	for _, c := range counters {
		a, ok1 := after.Value(c.name)
		b, ok2 := before.Value(c.name)
		if !ok1 || !ok2 {
			return wm, fmt.Errorf("metrics: %s missing", c.name)
		}
		*c.dst = a - b
	}
	var ok1, ok2 bool
	wm.matches, ok1 = after.Value("skirmish_matches")
	wm.players, ok2 = after.Value("skirmish_players")
	if !ok1 || !ok2 {
		return wm, errors.New("metrics: skirmish_matches or skirmish_players missing")
	}
	if wm.tick.Count == 0 {
		return wm, errors.New("metrics: no tick observed in the window")
	}
	return wm, nil
}

func histDelta(before, after promScrape, name string) (promHistogram, error) {
	a, err := after.Histogram(name)
	if err != nil {
		return promHistogram{}, fmt.Errorf("metrics: %w", err)
	}
	b, err := before.Histogram(name)
	if err != nil {
		return promHistogram{}, fmt.Errorf("metrics: %w", err)
	}
	d, err := a.Sub(b)
	if err != nil {
		return promHistogram{}, fmt.Errorf("metrics: %s: %w", name, err)
	}
	return d, nil
}

// sleepCtx sleeps for d and reports whether ctx was still live.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// cpuSample is the CPU time used so far by the server, by this process
// (the load tool) and by the whole machine.
type cpuSample struct {
	server, self procCPU
	machine      machineCPU
}

func sampleCPU(serverPID string) (cpuSample, error) {
	var c cpuSample
	var err error
	if c.server, err = readProcCPU(serverPID); err != nil {
		return c, fmt.Errorf("server: %w", err)
	}
	if c.self, err = readProcCPU("self"); err != nil {
		return c, err
	}
	c.machine, err = readMachineCPU()
	return c, err
}
