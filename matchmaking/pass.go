package matchmaking

import (
	"time"
)

// PassInput is everything one matching pass of one pool reads.
type PassInput struct {
	// Now is the time of the pass: waits, windows and time-outs are
	// measured to it.
	Now time.Time
	// Mode is the pool's mode; zero fields take their defaults.
	Mode ModeConfig
	// Tickets are the pool's waiting tickets, oldest first (CreatedAt,
	// then ID); Pass sorts them itself when they are not. Ticket IDs and
	// player IDs must be unique across the slice (the Matchmaker ensures
	// it); tickets that cannot be matched at all (another mode, a party
	// that does not fit, a non-finite skill, no region) are rejected.
	Tickets []Ticket
	// Backfill are the open seats of running matches of this mode. They
	// are filled before new matches form.
	Backfill []BackfillSlot
}

// BackfillSlot is a running match that has lost players and advertises
// their seats.
type BackfillSlot struct {
	MatchID string `json:"match_id"`
	HostID  string `json:"host_id"`
	// Region is where the match runs; empty accepts tickets of any region.
	Region string `json:"region"`
	// OpenSeats is the number of free seats.
	OpenSeats int `json:"open_seats"`
	// TeamOpen breaks OpenSeats down per team, in team modes. When it is
	// empty in a team mode, assignments name team -1 and the host picks.
	TeamOpen []int `json:"team_open,omitempty"`
	// MeanSkill is the mean rating of the players still in the match.
	MeanSkill float64 `json:"mean_skill"`
	// OpenSince is when the first seat opened; older slots fill first.
	OpenSince time.Time `json:"open_since"`
}

// PassOutput is what a pass decided. Every ticket of the input is in at
// most one of Backfills, Matches, TimedOut and Rejected; the others still
// wait. Orders are deterministic: backfills by slot then pick, matches by
// their oldest ticket, time-outs and rejections oldest first.
type PassOutput struct {
	Backfills []BackfillAssignment `json:"backfills"`
	Matches   []ProposedMatch      `json:"matches"`
	TimedOut  []TimedOutTicket     `json:"timed_out"`
	Rejected  []RejectedTicket     `json:"rejected"`
	// Waiting counts the tickets left in the queue.
	Waiting int `json:"waiting"`
}

// BackfillAssignment puts one ticket into a running match's open seats.
type BackfillAssignment struct {
	TicketID TicketID `json:"ticket_id"`
	// Index is the ticket's index in PassInput.Tickets.
	Index   int    `json:"index"`
	MatchID string `json:"match_id"`
	HostID  string `json:"host_id"`
	Region  string `json:"region"`
	// Team is the team whose seats the party takes; -1 when the slot did
	// not break its seats down per team; 0 in free-for-all.
	Team    int `json:"team"`
	Players int `json:"players"`
}

// ProposedMatch is a new match: a group of tickets and the region to run
// it in. It still needs a host (Directory.Allocate).
type ProposedMatch struct {
	Region string `json:"region"`
	// Tickets in pick order: the anchor (the ticket the match formed
	// around) first. A ticket older than the anchor that could not anchor a
	// match itself may be among the others.
	Tickets []MatchedTicket `json:"tickets"`
	Players int             `json:"players"`
	// Full is false for a match that starts with fewer than MaxPlayers
	// after FullMatchWait.
	Full bool `json:"full"`
	// SkillMin and SkillMax are the extreme ratings in the match; their
	// difference is at most Window, the anchor's skill window (so at most
	// the widest window of its tickets).
	SkillMin float64 `json:"skill_min"`
	SkillMax float64 `json:"skill_max"`
	Window   float64 `json:"window"`
}

// MatchedTicket is one ticket's place in a new match.
type MatchedTicket struct {
	ID TicketID `json:"id"`
	// Index is the ticket's index in PassInput.Tickets.
	Index int `json:"index"`
	// Team is 0..Teams-1; always 0 in free-for-all.
	Team    int `json:"team"`
	Players int `json:"players"`
}

// TimedOutTicket left the queue because it waited TicketTimeout.
type TimedOutTicket struct {
	ID     TicketID      `json:"id"`
	Index  int           `json:"index"`
	Waited time.Duration `json:"waited_ns"`
	Reason string        `json:"reason"`
}

// RejectedTicket can never be matched in this pool.
type RejectedTicket struct {
	ID     TicketID `json:"id"`
	Index  int      `json:"index"`
	Reason string   `json:"reason"`
}

// Pass runs one matching pass over one pool. It is pure: the output depends
// only on in (not on the order of in.Tickets, except among tickets with the
// same CreatedAt and ID), and in is not modified.
//
// In order, the pass:
//
//  1. drops tickets that waited TicketTimeout (TimedOut) and tickets that
//     can never match here (Rejected);
//  2. fills backfill slots, oldest slot first, each with the oldest
//     tickets that fit: a region the ticket may play in, a party that fits
//     an open team, and a rating within the ticket's window of the
//     match's mean;
//  3. forms new matches: each waiting ticket, oldest first, anchors a
//     match in its regions by increasing latency; the match takes the
//     oldest tickets of that region whose ratings keep the match's spread
//     within the anchor's window and whose party fits an open team; it
//     forms when full, or with MinPlayers once the anchor has waited
//     FullMatchWait. A ticket that fails to anchor stays available to
//     younger anchors.
//
// A ticket may play in the regions where its RTT is at most MaxRTT, or in
// its best region when none is. A ticket's window is Mode.Window(its wait).
func Pass(in PassInput) PassOutput {
	p := newPool(&in)
	p.run()
	return p.out
}

// run performs steps 2 and 3 on a prepared pool.
func (p *pool) run() {
	if p.bad != "" {
		return
	}
	p.backfill()
	p.formMatches()
	p.out.Waiting = 0
	for i := range p.ts {
		if p.ts[i].state == stWaiting {
			p.out.Waiting++
		}
	}
}
