package replay

import (
	"fmt"
	"strings"
	"time"
)

// Summary describes a recording for people: match, mode, players,
// duration, result, and whether it is complete.
func Summary(rec *Recording) string {
	h := &rec.Header
	var b strings.Builder
	mode := h.Mode
	if mode == "" {
		mode = "(direct play)"
	}
	fmt.Fprintf(&b, "match     %s\ngame      %s, mode %s, seed %d, %d Hz, rules %016x\n", h.Match, h.Game, mode, h.Seed, h.TickRate, h.Rules)
	fmt.Fprintf(&b, "started   %s\n", h.Start.UTC().Format(time.RFC3339))
	ticks := len(rec.Steps)
	fmt.Fprintf(&b, "duration  %v (%d ticks), %d view checkpoints, %d states\n", time.Duration(ticks)*time.Second/time.Duration(h.TickRate), ticks, len(rec.Checkpoints), len(rec.States))
	names := map[uint32]string{}
	var order []uint32
	for _, s := range rec.Steps {
		for _, c := range s.Changes {
			if c.Join {
				if _, ok := names[uint32(c.Player)]; !ok {
					order = append(order, uint32(c.Player))
				}
				names[uint32(c.Player)] = c.Name
			}
		}
	}
	fmt.Fprintf(&b, "players   %d:", len(order))
	for _, id := range order {
		fmt.Fprintf(&b, " %d=%q", id, names[id])
	}
	b.WriteString("\n")
	switch {
	case rec.End == nil:
		b.WriteString("result    none recorded\n")
	case !rec.End.Outcome.Ended:
		fmt.Fprintf(&b, "result    stopped at tick %d without results\n", rec.End.Tick)
	default:
		o := rec.End.Outcome
		fmt.Fprintf(&b, "result    %s at tick %d, winner %d", o.Reason, rec.End.Tick, o.Winner)
		for _, r := range o.Results {
			fmt.Fprintf(&b, "; %d: %d (%d deaths)", r.Player, r.Score, r.Deaths)
		}
		b.WriteString("\n")
	}
	switch {
	case rec.Complete():
		b.WriteString("complete  yes\n")
	case rec.LostFrom != 0:
		fmt.Fprintf(&b, "complete  no: the server's writer fell behind; records from tick %d on were lost\n", rec.LostFrom)
	case rec.Truncated:
		b.WriteString("complete  no: the file stops mid-stream (the server did not close it)\n")
	default:
		b.WriteString("complete  no: no end record\n")
	}
	return b.String()
}

// PlayerMinutes is the time the players spent in the match, summed over
// players, in minutes: what a recording's size is measured against.
func PlayerMinutes(rec *Recording) float64 {
	in := map[uint32]bool{}
	ticks := 0
	for _, s := range rec.Steps {
		for _, c := range s.Changes {
			in[uint32(c.Player)] = c.Join
		}
		for _, here := range in {
			if here {
				ticks++
			}
		}
	}
	return float64(ticks) / float64(rec.Header.TickRate) / 60
}
