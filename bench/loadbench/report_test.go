package loadbench

import (
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/client/bot"
)

// heldStep is a step that held, for the verdict and report tests.
func heldStep(interest bool, ccu int) stepResult {
	late := promHistogram{Buckets: []promBucket{{0.0005, 990}, {0.001, 1000}, {math.Inf(1), 1000}}, Count: 1000, Sum: 0.3}
	return stepResult{
		Config:    stepConfig{Interest: interest, CCU: ccu},
		Window:    10 * time.Second,
		ServerCPU: 2 * time.Second,
		IdleRSS:   10e6, PeakRSS: 10e6 + uint64(ccu)*20e3,
		Tick: late, Lateness: late,
		BytesOut: float64(ccu) * 10 * 2000,
		Matches:  float64(ccu / 16),
		Bots:     bot.Summary{Bots: ccu, Connects: ccu, SnapshotsPerSecP50: 20, BytesPerSecP50: 2100},
	}
}

func TestLoadbenchVerdict(t *testing.T) {
	r := heldStep(false, 1024)
	if p := r.Problems(); len(p) != 0 {
		t.Fatalf("problems %q", p)
	}
	if got := r.CPUPerClientSec(); math.Abs(got-2000.0/10240) > 1e-9 {
		t.Errorf("CPU ms per client-second %v", got)
	}
	if got := r.RSSPerClient(); math.Abs(got-20) > 1e-9 {
		t.Errorf("RSS per client %v KB, want 20", got)
	}
	if got := r.ServerKBps(); math.Abs(got-2) > 1e-9 {
		t.Errorf("server KB/s per client %v, want 2", got)
	}
	r.Dropped = 3
	r.Bots.SnapshotsPerSecP50 = 12
	r.Bots.Disconnects = 50
	if p := r.Problems(); len(p) != 3 {
		t.Errorf("problems %q, want dropped ticks, snapshot rate and disconnects", p)
	}
}

func TestLoadbenchMarkdown(t *testing.T) {
	run := &benchRun{Started: time.Now(), Command: "skirmish loadbench", HZ: 100, Window: 10 * time.Second}
	withFloor := heldStep(false, 1024)
	withFloor.CtxSwitches = 1024 * 10 * 50
	withFloor.SyscallsErr = "perf: no count"
	withFloor.Floor = &floorResult{FrameBytes: 230, Window: 10 * time.Second, CPU: time.Second, CtxSwitches: 1024 * 10 * 20, Syscalls: 1024 * 10 * 30,
		Bots: bot.Summary{SnapshotsPerSecP50: 20, BytesPerSecP50: 4500}}
	starved := heldStep(true, 1024)
	starved.Floor = &floorResult{FrameBytes: 100, Window: 10 * time.Second, CPU: 2 * time.Second, Bots: bot.Summary{SnapshotsPerSecP50: 9}}
	run.Steps = []stepOutcome{
		{Result: withFloor},
		{Result: starved},
		{Result: stepResult{Config: stepConfig{Interest: true, CCU: 2048}}, Err: io.ErrUnexpectedEOF},
	}
	md := markdown(t, run)
	reportHas(t, md,
		"| off | 1024 | 64 | 20 | 0.195 | 2.00× | 20.0 | 2.10 / 2.00 | 20.0 |",
		"| on | 2048 | | | | | | | | | | | | harness error: unexpected EOF |",
		"| off | 1024 | 230 | 0.195 / 0.098 | 2.00× | 10 | 50.0 / 20.0 | – / 30.0 | 2.10 / 4.50 | 20.0 / 20.0 |",
		"No system call count: perf: no count",
		"  - interest off, 1024 CCU: 2 × > 1.5 ×: **missed**",
		"| on | 1024 | 64 | 20 | 0.195 | 1.00× (not comparable: snapshots/s p50 below 18) |",
		"  - interest on, 1024 CCU: not comparable (1.00× (not comparable",
		"server CPU per client-second: 0.195 ms ≤ 0.2 ms: **met**",
		"KB/s per client (the larger of bots p50 and server): 2.1 KB/s ≤ 2.5 KB/s: **met**",
		"one 256-player match: not measured",
	)
}

// TestFloorRoundsMedian: with -floor-rounds, a step's floor ratio is
// judged by the median of its rounds, each round is its own row, and the
// step's verdict stays the first round's.
func TestFloorRoundsMedian(t *testing.T) {
	round := func(floorCPU time.Duration, n int) stepOutcome {
		r := heldStep(false, 1024) // 0.195 ms per client-second
		r.Floor = &floorResult{FrameBytes: 150, Window: 10 * time.Second, CPU: floorCPU, Bots: bot.Summary{SnapshotsPerSecP50: 20}}
		return stepOutcome{Result: r, Round: n}
	}
	next := heldStep(false, 2048)
	next.Floor = &floorResult{FrameBytes: 150, Window: 10 * time.Second, CPU: 4 * time.Second, Bots: bot.Summary{SnapshotsPerSecP50: 20}}
	run := &benchRun{Started: time.Now(), Command: "skirmish loadbench -floor-rounds 3", HZ: 100, Window: 10 * time.Second}
	run.Steps = []stepOutcome{
		round(1250*time.Millisecond, 1), // 1.60×
		round(1538*time.Millisecond, 2), // 1.30×
		round(1429*time.Millisecond, 3), // 1.40×
		{Result: next, Round: 1},        // a step of one round after them
	}
	md := markdown(t, run)
	reportHas(t, md,
		"  - interest off, 1024 CCU (rounds 1.60, 1.30, 1.40): 1.4 × ≤ 1.5 ×: **met**",
		"| off | 1024 (round 2) |",
		"| off | 1024 (round 3) |",
		"  - interest off, 2048 CCU: ",
	)
	if strings.Contains(md, "2048 CCU (rounds") {
		t.Errorf("the next step took the rounds of the one before:\n%s", md)
	}
	if r := run.find(false, 1024, 0); r != &run.Steps[0].Result {
		t.Error("the verdict does not stand on the first round")
	}
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want float64
	}{{[]float64{3}, 3}, {[]float64{3, 1}, 2}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(tc.in); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// reportHas fails t for each of wants that md lacks.
func reportHas(t *testing.T, md string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
}

// markdown is run's report.
func markdown(t *testing.T, run *benchRun) string {
	t.Helper()
	var b strings.Builder
	if err := run.writeMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
