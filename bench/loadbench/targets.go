package loadbench

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// The targets for arena v1 on its 2-core machine, load tool on the
// same machine.
const (
	targetCCU            = 1024
	targetCPUPerClientMs = 0.20 // server CPU ms per client-second at targetCCU
	targetKBpsOff        = 4.0  // KB/s per client without interest management
	targetKBpsOn         = 2.5  // with it
	targetRSSPerClientKB = 24.0 // server RSS per connected player above idle
	targetLatenessP99Ms  = 1.0  // tick interval p99 ≤ 17.7 ms: ≤ 1 ms late
	bigMatchPlayers      = 256
	targetBigTickP99Ms   = 2.0 // the 256-player match's tick p99
	// targetFloorRatio is the most Skirmish's CPU per client-second may
	// be over the floor's, at every CCU (issue 14).
	targetFloorRatio = 1.5
)

// find returns the measured step of the given interest setting, CCU and
// match size (0: the arena's), or nil: the last run of it, the one its
// verdict stands on.
func (b *benchRun) find(interest bool, ccu, maxPlayers int) *stepResult {
	for i := len(b.Steps) - 1; i >= 0; i-- {
		o := &b.Steps[i]
		c := &o.Result.Config
		if o.Err == nil && o.Round <= 1 && c.Interest == interest && c.CCU == ccu && c.MaxPlayers == maxPlayers {
			return &o.Result
		}
	}
	return nil
}

// writeTargets checks the figures against the targets: at 1024 CCU in each
// mode, and the big match.
func (b *benchRun) writeTargets(s *strings.Builder) {
	for _, interest := range []bool{false, true} {
		mode := "off"
		kbps := targetKBpsOff
		if interest {
			mode, kbps = "on", targetKBpsOn
		}
		r := b.find(interest, targetCCU, 0)
		if r == nil {
			fmt.Fprintf(s, "- interest %s, %d CCU: not measured (see Results)\n", mode, targetCCU)
			continue
		}
		fmt.Fprintf(s, "- interest %s, %d CCU (%s):\n", mode, targetCCU, map[bool]string{true: "held", false: "not held"}[r.Held()])
		check(s, "server CPU per client-second", r.CPUPerClientSec(), targetCPUPerClientMs, "ms")
		check(s, "KB/s per client (the larger of bots p50 and server)", math.Max(r.BotKBps(), r.ServerKBps()), kbps, "KB/s")
		check(s, "server RSS per client above idle", r.RSSPerClient(), targetRSSPerClientKB, "KB")
		check(s, "tick lateness p99", r.Lateness.Quantile(0.99)*1e3, targetLatenessP99Ms, "ms")
	}
	if b.hasFloor() {
		s.WriteString("- server CPU per client-second over the floor's, at every step (with several rounds, their median):\n")
		for i := range b.Steps {
			o := &b.Steps[i]
			if o.Err != nil || o.Retried || o.Round > 1 || o.Result.Floor == nil {
				continue
			}
			r := &o.Result
			what := fmt.Sprintf("interest %s, %d CCU", modeLabel(&r.Config), r.Config.CCU)
			ratios := b.floorRatios(i)
			switch {
			case len(ratios) == 0:
				fmt.Fprintf(s, "  - %s: not comparable (%s): one of the two did not deliver the snapshot rate\n", what, r.floorRatioText())
				continue
			case len(ratios) > 1:
				what += " (rounds " + ratioList(ratios) + ")"
			}
			check(s, what, median(ratios), targetFloorRatio, "×")
		}
	}
	if r := b.find(true, bigMatchPlayers, bigMatchPlayers); r != nil {
		fmt.Fprintf(s, "- one %d-player match, interest on (%s):\n", bigMatchPlayers, map[bool]string{true: "held", false: "not held"}[r.Held()])
		check(s, "tick duration p99", r.Tick.Quantile(0.99)*1e3, targetBigTickP99Ms, "ms")
	} else {
		fmt.Fprintf(s, "- one %d-player match: not measured (see Notes)\n", bigMatchPlayers)
	}
}

// check writes one target line: met, or missed and by how much.
func check(s *strings.Builder, what string, got, limit float64, unit string) {
	switch {
	case math.IsNaN(got):
		fmt.Fprintf(s, "  - %s: no figure (target ≤ %g %s)\n", what, limit, unit)
	case got <= limit:
		fmt.Fprintf(s, "  - %s: %.3g %s ≤ %g %s: **met**\n", what, got, unit, limit, unit)
	default:
		fmt.Fprintf(s, "  - %s: %.3g %s > %g %s: **missed** by %.3g %s (%.0f%% over)\n", what, got, unit, limit, unit, got-limit, unit, 100*(got-limit)/limit)
	}
}

// floorRatios returns the comparable floor ratios of step i (a first
// round) and of the further rounds that follow it.
func (b *benchRun) floorRatios(i int) []float64 {
	var ratios []float64
	for j := i; j < len(b.Steps); j++ {
		o := &b.Steps[j]
		if j > i && o.Round <= 1 {
			break // the next step
		}
		if o.Err == nil && o.Result.Floor != nil && o.Result.FloorComparable() {
			ratios = append(ratios, o.Result.FloorRatio())
		}
	}
	return ratios
}

// median of a few figures (the mean of the middle two for an even count).
func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	} else {
		return (s[n/2-1] + s[n/2]) / 2
	}
}

func ratioList(v []float64) string {
	parts := make([]string, len(v))
	for i, r := range v {
		parts[i] = fmt.Sprintf("%.2f", r)
	}
	return strings.Join(parts, ", ")
}
