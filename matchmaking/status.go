package matchmaking

import "time"

// TicketState is where a ticket is in its life. Every state but queued is
// final.
type TicketState string

// Ticket states.
const (
	StateQueued    TicketState = "queued"
	StateAssigned  TicketState = "assigned"
	StateCancelled TicketState = "cancelled"
	StateTimedOut  TicketState = "timed_out"
	StateFailed    TicketState = "failed"
)

// Final reports whether the state can no longer change.
func (s TicketState) Final() bool { return s != StateQueued }

// Record is a ticket as the Store keeps it.
type Record struct {
	Ticket Ticket      `json:"ticket"`
	State  TicketState `json:"state"`
	// Reason says why a ticket timed out, failed or was cancelled.
	Reason string `json:"reason,omitempty"`
	// Assignment is set once assigned.
	Assignment *Assignment `json:"assignment,omitempty"`
	// FinishedAt is when the ticket left the queue.
	FinishedAt time.Time `json:"finished_at"`
}

// Assignment is where an assigned ticket's party plays: connect to HostURL
// and present the player's token for MatchID.
type Assignment struct {
	MatchID string `json:"match_id"`
	HostID  string `json:"host_id"`
	HostURL string `json:"host_url"`
	Region  string `json:"region"`
	// Team is the party's team: 0..Teams-1, 0 in free-for-all, -1 when
	// the host picks (a backfill without a per-team breakdown).
	Team int `json:"team"`
	// Backfill is set when the party joins a running match.
	Backfill bool `json:"backfill"`
	// Tokens holds one signed join token per player of the party.
	Tokens []PlayerToken `json:"tokens"`
	// ExpiresAt is when the tokens stop admitting a first join.
	ExpiresAt time.Time `json:"expires_at"`
}

// PlayerToken is one player's join token.
type PlayerToken struct {
	PlayerID string `json:"player_id"`
	Token    string `json:"token"`
}

// TokenFor returns the token of a player of the party.
func (a *Assignment) TokenFor(playerID string) (string, bool) {
	for _, t := range a.Tokens {
		if t.PlayerID == playerID {
			return t.Token, true
		}
	}
	return "", false
}

// TicketStatus is what a ticket's owner is told: Status returns it and
// Watch pushes it.
type TicketStatus struct {
	TicketID TicketID    `json:"ticket_id"`
	Mode     string      `json:"mode"`
	State    TicketState `json:"state"`
	Players  int         `json:"players"`
	// Position counts the queued tickets of the pool ahead of this one
	// (0: next); only while queued.
	Position int `json:"position"`
	// Elapsed is the time since the ticket was created (until it left the
	// queue, once final).
	Elapsed time.Duration `json:"elapsed_ns"`
	// EstimatedWait is the median wait of the pool's recently matched
	// tickets; 0 when there are none yet. Only while queued.
	EstimatedWait time.Duration `json:"estimated_wait_ns"`
	// Window is the ticket's current skill window; only while queued.
	Window float64 `json:"window,omitempty"`
	// Assignment is set once assigned.
	Assignment *Assignment `json:"assignment,omitempty"`
	// Reason says why it was cancelled, timed out or failed.
	Reason string `json:"reason,omitempty"`
}
