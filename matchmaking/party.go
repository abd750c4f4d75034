package matchmaking

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// A party is formed by invite code: its leader creates it, every other
// member joins it with their own identity, and the leader's ticket has
// exactly the members who joined. One connection can never declare who
// plays with it.

// Errors of parties.
var (
	// ErrPartyNotFound: no party has this code, or its invite expired.
	ErrPartyNotFound = errors.New("matchmaking: party not found")
	// ErrPartyExists: a party with this code exists already (a collision
	// of random codes: make another).
	ErrPartyExists = errors.New("matchmaking: party code in use")
	// ErrPartyFull: the party has its mode's largest party already.
	ErrPartyFull = errors.New("matchmaking: party full")
	// ErrNotLeader: only the party's leader queues its ticket.
	ErrNotLeader = errors.New("matchmaking: not the party's leader")
)

// Party is a group of players who agreed to play together.
type Party struct {
	Code      string    `json:"code"`
	Leader    string    `json:"leader"` // the player who created it
	Mode      string    `json:"mode"`
	Members   []Player  `json:"members"` // the leader first, then in joining order
	Max       int       `json:"max"`     // the mode's largest party
	ExpiresAt time.Time `json:"expires"`
	// Ticket is the leader's latest ticket for the party ("" before the
	// leader queued); members wait on it.
	Ticket TicketID `json:"ticket,omitempty"`
}

// Member reports whether player joined the party.
func (p *Party) Member(player string) bool {
	return slices.ContainsFunc(p.Members, func(m Player) bool { return m.ID == player })
}

// Parties keeps parties until their invite expires. Implementations must
// be safe for concurrent use; MemoryParties is the in-process one and
// redisstore.Parties the shared one.
type Parties interface {
	// Create stores a new party at now; ErrPartyExists when its code is
	// taken by a live party.
	Create(ctx context.Context, p Party, now time.Time) error
	// Get returns a live party; ErrPartyNotFound.
	Get(ctx context.Context, code string, now time.Time) (Party, error)
	// Join adds member to a live party and returns it. Joining again
	// changes nothing (not even the name). ErrPartyNotFound, ErrPartyFull.
	Join(ctx context.Context, code string, member Player, now time.Time) (Party, error)
	// SetTicket records the leader's ticket for the party.
	// ErrPartyNotFound, ErrNotLeader.
	SetTicket(ctx context.Context, code, leader string, ticket TicketID, now time.Time) (Party, error)
}

// partyAlphabet has no 0/O, 1/I/L: codes are read aloud and typed.
const partyAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// PartyCodeLen is the length of an invite code: 31^8, about 2^40 codes.
const PartyCodeLen = 8

// NewPartyCode returns a random invite code read from random (default
// crypto/rand.Reader).
func NewPartyCode(random io.Reader) (string, error) {
	if random == nil {
		random = rand.Reader
	}
	var b [PartyCodeLen]byte
	out := make([]byte, 0, PartyCodeLen)
	for len(out) < PartyCodeLen {
		if _, err := io.ReadFull(random, b[:]); err != nil {
			return "", fmt.Errorf("matchmaking: party code: %w", err)
		}
		for _, c := range b {
			// Rejection sampling keeps every character equally likely.
			if c < 248 && len(out) < PartyCodeLen {
				out = append(out, partyAlphabet[int(c)%len(partyAlphabet)])
			}
		}
	}
	return string(out), nil
}

// NormalizePartyCode upper-cases a code as typed and reports whether it can
// be one.
func NormalizePartyCode(code string) (string, bool) {
	if len(code) != PartyCodeLen {
		return "", false
	}
	code = strings.ToUpper(code)
	for i := 0; i < len(code); i++ {
		if strings.IndexByte(partyAlphabet, code[i]) < 0 {
			return "", false
		}
	}
	return code, true
}

// join is Join's rule on a party already read: shared by the adapters.
func (p *Party) join(member Player) (changed bool, err error) {
	if p.Member(member.ID) {
		return false, nil
	}
	if len(p.Members) >= p.Max {
		return false, fmt.Errorf("%w: %d of %d members", ErrPartyFull, len(p.Members), p.Max)
	}
	p.Members = append(p.Members, member)
	return true, nil
}

// JoinParty applies Join's rule to p: adapters that read and write a
// party themselves (redisstore) share it.
func JoinParty(p *Party, member Player) (changed bool, err error) { return p.join(member) }

// Clone returns a deep copy of p.
func (p Party) Clone() Party {
	p.Members = slices.Clone(p.Members)
	return p
}
