package matchmaking

import (
	"slices"
	"time"
)

// TicketID names a ticket. The Matchmaker assigns one when a ticket arrives
// without.
type TicketID string

// Player is one member of a ticket's party.
type Player struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// RegionLatency is a measured round trip from the party to a region.
// For a party, use the worst member's round trip.
type RegionLatency struct {
	Region string        `json:"region"`
	RTT    time.Duration `json:"rtt_ns"`
}

// Ticket asks for a match for one player or a party that must play
// together, in one team. A party is never split.
type Ticket struct {
	ID   TicketID `json:"id"`
	Mode string   `json:"mode"`
	// Players is the party, one or more, at most the mode's largest party
	// (a team in team modes, the match otherwise).
	Players []Player `json:"players"`
	// Skill is the ticket's rating; for a party, the mean of its members'
	// (PartySkill) or a rating given to the party as a whole.
	Skill float64 `json:"skill"`
	// Regions are where the party could play, with measured latency.
	Regions []RegionLatency `json:"regions"`
	// CreatedAt orders the queue: older tickets are served first. The
	// Matchmaker stamps it when zero.
	CreatedAt time.Time `json:"created_at"`
}

// Size is the number of players in the ticket.
func (t *Ticket) Size() int { return len(t.Players) }

// clone copies t so the queue never shares slices with a caller.
func (t Ticket) clone() Ticket {
	t.Players = slices.Clone(t.Players)
	t.Regions = slices.Clone(t.Regions)
	return t
}

// PartySkill is the mean of the members' ratings: the usual rating of a
// party ticket. It returns 0 for no ratings.
func PartySkill(ratings ...float64) float64 {
	if len(ratings) == 0 {
		return 0
	}
	var sum float64
	for _, r := range ratings {
		sum += r
	}
	return sum / float64(len(ratings))
}

// olderThan is the queue order: creation time, then ID.
func olderThan(a, b *Ticket) int {
	if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
		return c
	}
	switch {
	case a.ID < b.ID:
		return -1
	case a.ID > b.ID:
		return 1
	}
	return 0
}
