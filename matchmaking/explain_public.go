package matchmaking

import (
	"fmt"
	"time"
)

// PlayerExplanation is what a player may see of an Explanation of their
// own ticket: their place and aggregate figures only. It names no other
// ticket, player, match or skill, so that a ticket's owner learns nothing
// about whom they are queued with (an Explanation's candidates and
// proposed match are for operators).
type PlayerExplanation struct {
	Pool    string `json:"pool"`
	Outcome string `json:"outcome"`
	// Reason is one sentence for people, made of aggregate figures.
	Reason   string        `json:"reason"`
	Position int           `json:"position"`
	Tickets  int           `json:"tickets"`
	Players  int           `json:"players"`
	Waited   time.Duration `json:"waited_ns"`
	// Window is the ticket's skill window now; MaxWindow its cap.
	Window    float64 `json:"window"`
	MaxWindow float64 `json:"max_window"`
	Needed    int     `json:"needed"`
	// InWindow counts the players of the nearest tickets (up to 5) that
	// could play with this one, Elsewhere those that cannot (other
	// regions, skills too far apart, parties too large, or taken).
	InWindow  int                     `json:"in_window"`
	Elsewhere int                     `json:"elsewhere"`
	Regions   []PlayerExplainedRegion `json:"regions"`
}

// PlayerExplainedRegion is one of the ticket's regions, without the
// matches it could join.
type PlayerExplainedRegion struct {
	Region   string        `json:"region"`
	RTT      time.Duration `json:"rtt_ns"`
	Eligible bool          `json:"eligible"`
	InReach  int           `json:"in_reach"`
}

// ForPlayer returns the part of ex its ticket's owner may see.
func (ex Explanation) ForPlayer() PlayerExplanation {
	pe := PlayerExplanation{
		Pool: ex.Pool, Outcome: ex.Outcome, Reason: ex.Reason, Position: ex.Position,
		Tickets: ex.Tickets, Players: ex.Players, Waited: ex.Waited, Window: ex.Window,
		MaxWindow: ex.MaxWindow, Needed: ex.Needed, Regions: []PlayerExplainedRegion{},
	}
	for _, r := range ex.Regions {
		pe.Regions = append(pe.Regions, PlayerExplainedRegion{Region: r.Region, RTT: r.RTT, Eligible: r.Eligible, InReach: r.InReach})
	}
	for _, c := range ex.Candidates {
		switch c.Reason {
		case CandidateCompatible, CandidateSameMatch:
			pe.InWindow += c.Players
		default:
			pe.Elsewhere += c.Players
		}
	}
	// The operator's sentences of a match name it and the skills in it;
	// the player's say only that it is being made. The others are
	// aggregate already.
	switch ex.Outcome {
	case OutcomeMatched:
		pe.Reason = "matched: a new match is being made"
		if ex.Match != nil {
			pe.Reason = fmt.Sprintf("matched: a new match of %d players is being made", ex.Match.Players)
		}
	case OutcomeBackfilled:
		pe.Reason = "matched: open seats of a running match"
	}
	return pe
}
