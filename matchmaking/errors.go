package matchmaking

import (
	"errors"
	"fmt"
)

// Errors of ticket validation. Every error Enqueue returns for a malformed
// ticket is a *ValidationError that matches both ErrInvalidTicket and one of
// the specific errors below with errors.Is.
var (
	ErrInvalidTicket   = errors.New("matchmaking: invalid ticket")
	ErrUnknownMode     = errors.New("unknown mode")
	ErrEmptyParty      = errors.New("empty party")
	ErrPartyTooLarge   = errors.New("party too large")
	ErrDuplicatePlayer = errors.New("player twice in the party")
	ErrBadSkill        = errors.New("skill is not a finite number")
	ErrNoRegions       = errors.New("no regions")
	ErrTooManyRegions  = errors.New("too many regions")
	ErrBadRegion       = errors.New("bad region")
	ErrBadID           = errors.New("bad identifier")
	ErrTooLong         = errors.New("too long")
	ErrBadCreatedAt    = errors.New("creation time in the future")
)

// Errors of the queue and the directory.
var (
	// ErrPlayerQueued: a player of the ticket is already in a queued ticket.
	ErrPlayerQueued = errors.New("matchmaking: player already queued")
	// ErrDuplicateTicket: a ticket with this ID is already known.
	ErrDuplicateTicket = errors.New("matchmaking: ticket ID already used")
	// ErrTicketNotFound: no ticket with this ID (or it was pruned).
	ErrTicketNotFound = errors.New("matchmaking: ticket not found")
	// ErrNotQueued: the ticket left the queue (assigned, cancelled, timed
	// out or failed) and cannot change any more.
	ErrNotQueued = errors.New("matchmaking: ticket no longer queued")
	// ErrBadMode: a ModeConfig is not usable.
	ErrBadMode = errors.New("matchmaking: bad mode config")
	// ErrNoCapacity: no host with enough free seats in the region, or a
	// running match no longer has the seats a backfill asked for.
	ErrNoCapacity = errors.New("matchmaking: no host capacity")
	// ErrHostNotFound: no host with this ID (or it expired).
	ErrHostNotFound = errors.New("matchmaking: host not found")
	// ErrBadHost: a host registration is not usable.
	ErrBadHost = errors.New("matchmaking: bad host")
)

// Errors of join tokens. Verify wraps exactly one of them; a host refusing
// a token wraps one too.
var (
	ErrTokenMalformed    = errors.New("matchmaking: token malformed")
	ErrTokenBadSignature = errors.New("matchmaking: token signature invalid")
	ErrTokenExpired      = errors.New("matchmaking: token expired")
	ErrTokenWrongMatch   = errors.New("matchmaking: token is for another match")
	// ErrTokenReused: the token's seat was taken and released: a token
	// takes one seat, once.
	ErrTokenReused = errors.New("matchmaking: token already used")
)

// ValidationError says which field of a ticket is wrong and why. It matches
// ErrInvalidTicket and its Err with errors.Is.
type ValidationError struct {
	Field  string // e.g. "players[2].id"; empty for the ticket as a whole
	Err    error  // one of the specific errors: ErrPartyTooLarge, ...
	Detail string // what was found, for people
}

func (e *ValidationError) Error() string {
	msg := "matchmaking: invalid ticket: "
	if e.Field != "" {
		msg += e.Field + ": "
	}
	msg += e.Err.Error()
	if e.Detail != "" {
		msg += " (" + e.Detail + ")"
	}
	return msg
}

// Unwrap lets errors.Is match both ErrInvalidTicket and the specific error.
func (e *ValidationError) Unwrap() []error { return []error{ErrInvalidTicket, e.Err} }

func invalid(field string, err error, format string, args ...any) *ValidationError {
	return &ValidationError{Field: field, Err: err, Detail: fmt.Sprintf(format, args...)}
}

// Errors of match results.
var (
	// ErrResultNotFound: no result with this match ID (or it expired).
	ErrResultNotFound = errors.New("matchmaking: match result not found")
	// ErrDuplicateResult: a result with this match ID is already recorded.
	ErrDuplicateResult = errors.New("matchmaking: match result already recorded")
	// ErrBadResult: a result or a stream read is not usable (no match ID,
	// no host ID, a malformed cursor).
	ErrBadResult = errors.New("matchmaking: bad result or stream request")
)
