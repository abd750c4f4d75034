package loadbench

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// benchRun is a whole loadbench run, as the report shows it.
type benchRun struct {
	Started    time.Time
	Elapsed    time.Duration
	Command    string
	Machine    machine
	LoadBefore string // /proc/loadavg before the first step
	LoadAfter  string
	HZ         int
	Ramp       time.Duration
	Window     time.Duration
	Smoke      bool
	Retries    int // reruns of a step not held
	Steps      []stepOutcome
	Notes      []string // skipped steps, stopped escalations
	// ServerCPUs and LoadgenCPUs are the CPUs each was pinned to (-pin);
	// nil: not pinned.
	ServerCPUs, LoadgenCPUs []int
}

// stepOutcome is one row: a measured step, or a harness failure.
type stepOutcome struct {
	Result  stepResult
	Err     error
	Retried bool // not held, and run again (the next row)
	// Round is which of the -floor-rounds runs of its step this is (1:
	// the first, or the only one).
	Round int
}

// ccuCell is the CCU column of a step's rows: the CCU, and which round
// it is when -floor-rounds ran it more than once.
func (o *stepOutcome) ccuCell() string {
	if o.Round > 1 {
		return fmt.Sprintf("%d (round %d)", o.Result.Config.CCU, o.Round)
	}
	return strconv.Itoa(o.Result.Config.CCU)
}

// modeLabel names a step's interest setting and, for the big match, its
// match size.
func modeLabel(c *stepConfig) string {
	label := "off"
	if c.Interest {
		label = "on"
	}
	if c.MaxPlayers > 0 && c.MaxPlayers != arenaMatchSize {
		label += fmt.Sprintf(", %d/match", c.MaxPlayers)
	}
	return label
}

// writeMarkdown writes the report: how and where it ran, the results
// table, a details table and the targets.
func (b *benchRun) writeMarkdown(w io.Writer) error {
	var s strings.Builder
	title := "Capacity benchmark: arena v1"
	if b.Smoke {
		title += " (smoke run: figures mean nothing)"
	}
	fmt.Fprintf(&s, "# %s\n\n", title)
	fmt.Fprintf(&s, "Run %s, %s in all:\n\n```\n%s\n```\n\n", b.Started.UTC().Format("2006-01-02 15:04 MST"), b.Elapsed.Round(time.Second), b.Command)
	b.writeSetup(&s)
	s.WriteString("## Results\n\n")
	b.writeResults(&s)
	s.WriteString("\n## Details\n\n")
	b.writeDetails(&s)
	if b.hasFloor() {
		s.WriteString("\n## Floor\n\n")
		b.writeFloor(&s)
	}
	if len(b.Notes) > 0 {
		s.WriteString("\n## Notes\n\n")
		for _, n := range b.Notes {
			fmt.Fprintf(&s, "- %s\n", n)
		}
	}
	s.WriteString("\n## Targets\n\n")
	b.writeTargets(&s)
	_, err := io.WriteString(w, s.String())
	return err
}

func (b *benchRun) writeSetup(s *strings.Builder) {
	fmt.Fprintf(s, `## Workload

Arena v1: the reference arena in matches of %d players (the server runs
without matchmaking and seats each joining player in the first match with a
free seat, so matches fill in order), simulated at 60 Hz; state goes to each
client at %d Hz (`+"`-snapshot-rate %d`"+`). Every bot (client/bot) sends an
input at %d Hz, picks a way to move about every second, holds fire about
half of the time (toggled about every second) and aims at random, or at the
nearest player it sees. Interest management: *on* is `+"`-view %s`"+` (world
units around the player), *off* is `+"`-view all`"+`.

Each step starts a fresh `+"`skirmish serve`"+` child on loopback, ramps the
bots in over %v, waits %v, then measures the server over a %v window; the
bots play %v more so the closing scrape never sees them leave.

## Machine

- %d CPUs: %s; %s memory; %s; %s
- load average (1/5/15 min) before: %s, after: %s — a shared machine
- %s

## Method

- Server CPU: utime+stime of the server process from /proc/<pid>/stat over
  the window, at %d ticks a second (USER_HZ, read from AT_CLKTCK in
  /proc/self/auxv; 100 by default: Go cannot call sysconf without cgo).
- RSS per client: the server's peak resident memory (VmHWM) at the window's
  end minus its resident memory (VmRSS) before the bots came, over CCU.
- KB is 1000 bytes. KB/s per client: the bots' received message payload
  bytes a second, p50 over bots (over their connected time), and the
  server's skirmish_bytes_out_total (WebSocket frames as written, their
  headers included) over the window / CCU / window.
- Tick duration and lateness: quantiles of the window's share of the
  server's histograms (bucket differences between two /metrics scrapes,
  interpolated within buckets 1.2× wide, so ±10%%); max is the upper bound
  of the highest non-empty bucket.
- Held: lateness p99 ≤ %v, no dropped ticks, snapshots/s p50 ≥ %d, every
  bot got snapshots, no failed connects, disconnects ≤ %d%% of CCU. The CCU
  escalation of a mode stops at the first step not held (after %d rerun(s)
  of that step, since neighbours on a shared machine can stall it).

`, arenaMatchSize, arenaSnapshotRate, arenaSnapshotRate, arenaInputRate, interestView,
		b.Ramp, stepSettle, b.Window, stepGuard,
		b.Machine.CPUs, b.Machine.CPUModel, b.Machine.Memory, b.Machine.Kernel, b.Machine.Go,
		b.LoadBefore, b.LoadAfter, b.placement(), b.HZ, holdMaxLatenessP99, holdMinSnapshotsP50, holdMaxDisconnectPct, b.Retries)
}

func (b *benchRun) writeResults(s *strings.Builder) {
	s.WriteString("| interest | CCU | matches | server CPU % of a core | CPU ms per client·s | ÷ floor | RSS KB per client | KB/s per client (bots p50 / server) | snapshots/s per client p50 | tick p50 / p99 / max ms | lateness p99 ms | skipped snapshots | disconnects | verdict |\n")
	s.WriteString("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|\n")
	for _, o := range b.Steps {
		r := &o.Result
		c := &r.Config
		if o.Err != nil {
			fmt.Fprintf(s, "| %s | %d | | | | | | | | | | | | harness error: %s |\n", modeLabel(c), c.CCU, oneLine(o.Err.Error()))
			continue
		}
		verdict := "held"
		if p := r.Problems(); len(p) > 0 {
			verdict = "not held: " + strings.Join(p, "; ")
		}
		if o.Retried {
			verdict += " (run again: next row)"
		}
		fmt.Fprintf(s, "| %s | %s | %.0f | %.0f | %.3f | %s | %.1f | %.2f / %.2f | %.1f | %s / %s / %s | %s | %.0f | %d | %s |\n",
			modeLabel(c), o.ccuCell(), r.Matches, r.CPUPercent(), r.CPUPerClientSec(), r.floorRatioText(), r.RSSPerClient(),
			r.BotKBps(), r.ServerKBps(), r.Bots.SnapshotsPerSecP50,
			msText(r.Tick.Quantile(0.5)), msText(r.Tick.Quantile(0.99)), maxText(r.Tick),
			msText(r.Lateness.Quantile(0.99)), r.Skipped, r.Bots.Disconnects, verdict)
	}
}

func (b *benchRun) writeDetails(s *strings.Builder) {
	s.WriteString("| interest | CCU | window s | load tool CPU % of a core | other processes' CPU % of a core | tick mean ms | lateness p50 / max ms | overruns | dropped ticks | snapshots sent/s | input→ack RTT p50 / p99 ms | connects (failed) | server log lines |\n")
	s.WriteString("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, o := range b.Steps {
		r := &o.Result
		if o.Err != nil {
			continue
		}
		fmt.Fprintf(s, "| %s | %s | %.1f | %.0f | %.0f | %s | %s / %s | %.0f | %.0f | %.0f | %.1f / %.1f | %d (%d) | %d |\n",
			modeLabel(&r.Config), o.ccuCell(), r.windowSecs(), r.LoadgenPercent(), r.OthersPercent(), msText(r.Tick.Mean()),
			msText(r.Lateness.Quantile(0.5)), maxText(r.Lateness), r.Overruns, r.Dropped,
			r.SnapshotsSent/r.windowSecs(), r.Bots.RTTP50Ms, r.Bots.RTTP99Ms,
			r.Bots.Connects, r.Bots.ConnectFailures, r.ServerLog)
	}
}

// hasFloor reports whether any step ran the floor.
func (b *benchRun) hasFloor() bool {
	for _, o := range b.Steps {
		if o.Result.Floor != nil {
			return true
		}
	}
	return false
}

// writeFloor is the floor's table: each step's floor run beside
// Skirmish's, with what shows the traffic was the same.
func (b *benchRun) writeFloor(s *strings.Builder) {
	s.WriteString(`The floor is a bare event-loop WebSocket server (bench/loadbench/floor):
one thread, edge-triggered epoll, its own RFC 6455 upgrade and framing,
one read per readiness event, one write per message, each match's
snapshot encoded once, no simulation. It ran right after each step, as a
separate process measured the same way, with the same bots for the same
ramp and window, sending snapshot frames of Skirmish's average size in
that step (its bytes out over its snapshots sent) at the same rate, with
the bots' inputs acknowledged in them. Context switches: voluntary and
involuntary, summed over the process's threads (/proc/<pid>/task/*/status).
System calls (with -syscalls): ` + "`perf stat -e raw_syscalls:sys_enter -p PID`" + `
over the window, every thread.

`)
	s.WriteString("| interest | CCU | snapshot frame bytes | CPU ms per client·s (Skirmish / floor) | Skirmish ÷ floor | floor CPU % of a core | context switches per client·s (Skirmish / floor) | system calls per client·s (Skirmish / floor) | KB/s per client, bots p50 (Skirmish / floor) | snapshots/s per client p50 (Skirmish / floor) | load tool CPU % (Skirmish / floor) |\n")
	s.WriteString("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	var perfErrs []string
	for _, o := range b.Steps {
		r := &o.Result
		fr := r.Floor
		if o.Err != nil || fr == nil {
			continue
		}
		if fr.Err != nil {
			fmt.Fprintf(s, "| %s | %d | %d | | | | | | | | harness error: %s |\n", modeLabel(&r.Config), r.Config.CCU, fr.FrameBytes, oneLine(fr.Err.Error()))
			continue
		}
		for _, e := range []string{r.SyscallsErr, fr.SyscallsErr} {
			if e != "" && !slices.Contains(perfErrs, e) {
				perfErrs = append(perfErrs, e)
			}
		}
		ccu := r.Config.CCU
		perSec := func(n uint64, window time.Duration) string {
			if n == 0 {
				return "–"
			}
			return fmt.Sprintf("%.1f", float64(n)/float64(ccu)/window.Seconds())
		}
		fmt.Fprintf(s, "| %s | %s | %d | %.3f / %.3f | %s | %.0f | %.1f / %.1f | %s / %s | %.2f / %.2f | %.1f / %.1f | %.0f / %.0f |\n",
			modeLabel(&r.Config), o.ccuCell(), fr.FrameBytes, r.CPUPerClientSec(), fr.CPUPerClientSec(ccu), r.floorRatioText(),
			100*fr.CPU.Seconds()/fr.Window.Seconds(),
			r.CtxSwitchesPerClientSec(), float64(fr.CtxSwitches)/float64(ccu)/fr.Window.Seconds(),
			perSec(r.Syscalls, r.Window), perSec(fr.Syscalls, fr.Window),
			r.BotKBps(), fr.Bots.BytesPerSecP50/kb, r.Bots.SnapshotsPerSecP50, fr.Bots.SnapshotsPerSecP50,
			r.LoadgenPercent(), 100*fr.LoadgenCPU.Seconds()/fr.Window.Seconds())
	}
	for _, e := range perfErrs {
		fmt.Fprintf(s, "\nNo system call count: %s\n", oneLine(e))
	}
}

// ratioText formats a ratio to the floor; "–" for none.
func ratioText(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	return fmt.Sprintf("%.2f×", v)
}

// maxText formats a histogram's max bound in milliseconds.
func maxText(h promHistogram) string {
	m := h.Max()
	if math.IsInf(m, 1) && len(h.Buckets) > 1 {
		return "> " + msText(h.Buckets[len(h.Buckets)-2].UpperBound)
	}
	return "≤ " + msText(m)
}

// oneLine keeps a message on one table row.
func oneLine(msg string) string {
	msg = strings.NewReplacer("\n", " ", "|", "/").Replace(msg)
	if len(msg) > 300 {
		msg = msg[:300] + "…"
	}
	return msg
}

// placement says where the server and the bots ran.
func (b *benchRun) placement() string {
	if b.ServerCPUs == nil {
		return `the bots run inside the load tool's process on the same machine, so they
  compete with the server for the same cores (their CPU is in Details, and
  so is what every other process on the machine used during each window)`
	}
	return fmt.Sprintf(`pinned (-pin): the server ran on CPU %s only (its GOMAXPROCS follows),
  the load tool and its bots on CPU %s, so neither took the other's time
  slices; other processes may still run anywhere`, joinInts(b.ServerCPUs), joinInts(b.LoadgenCPUs))
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}
