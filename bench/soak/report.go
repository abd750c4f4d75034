package soak

import (
	"fmt"
	"io"
	"strings"
)

// Passed reports whether the run found no problem.
func (r *Result) Passed() bool { return len(r.Problems) == 0 }

// WriteMarkdown writes the run as a report: its settings, the bounds, the
// per-interval table and the verdict.
func (r *Result) WriteMarkdown(w io.Writer, title, machine string) error {
	o := r.Options
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", title)
	fmt.Fprintf(&b, "`skirmish soak`: %d bots in mode %s against `skirmish serve` (embedded matchmaker, no connection caps) for %v; "+
		"each connection ends after %v ±50%% by leaving (close 1000, queue again) or dropping (no close frame, resume the held seat with the token). "+
		"Samples from the server's admin /metrics: the first at the end of the %v warm-up (baseline), then every %v.\n\n",
		o.Bots, o.Mode, o.Duration, o.Churn, o.WarmUp, o.Every)
	if machine != "" {
		fmt.Fprintf(&b, "Machine: %s\n\n", machine)
	}
	fmt.Fprintf(&b, "Bounds, last sample against the baseline: goroutines and open descriptors +%.0f%% (+%d, +%d), heap in use and RSS +%.0f%% (+%d MiB).\n\n",
		countGrowth*100, goroutineSlop, fdSlop, memoryGrowth*100, memorySlop>>20)
	b.WriteString("| at | players | connections | goroutines | heap in use MiB | RSS MiB | open FDs |\n|---:|---:|---:|---:|---:|---:|---:|\n")
	for i, s := range r.Samples {
		mark := ""
		if i == r.Baseline {
			mark = " (baseline)"
		}
		fmt.Fprintf(&b, "| %v%s | %d | %d | %d | %.1f | %.1f | %d |\n", s.At, mark, s.Players, s.Conns, s.Goroutines, mib(s.HeapBytes), mib(s.RSSBytes), s.FDs)
	}
	s := r.Bots
	c := r.Churn
	fmt.Fprintf(&b, "\nBots: %d connects (%d resumed after a drop), %d queued, %d left, %d dropped, %d requeues after a refused seat, %d matches finished, "+
		"%d connect failures, %d disconnects not their own; snapshots/s per bot p50 %.1f, RTT p99 %.1f ms.\n\n",
		c.Connects, c.Resumed, c.Queued, c.Left, c.Dropped, c.Requeues, s.MatchesFinished, s.ConnectFailures, s.Disconnects, s.SnapshotsPerSecP50, s.RTTP99Ms)
	if r.Passed() {
		b.WriteString("Verdict: **pass**: no growth beyond the bounds.\n")
	} else {
		b.WriteString("Verdict: **fail**:\n")
		for _, p := range r.Problems {
			fmt.Fprintf(&b, "- %s\n", p)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
