package matchmaking

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
	"time"
)

// LedgerOptions configures a SeatLedger. A nil *LedgerOptions, and every
// zero field, takes the default documented on the field.
type LedgerOptions struct {
	// Grace is how long a dropped player's seat is kept for them to
	// resume. Default 30s.
	Grace time.Duration
	// Clock is the time source. Default time.Now.
	Clock func() time.Time
}

// SeatLedger is the host's side of join tokens: it verifies them and makes
// each token take its seat once.
//
// A seat is claimed with its token (Claim). When the player drops, the
// host calls Release; the seat is kept for Grace, and the same token
// resumes it (Resume) within that time. After the grace period, or after
// Leave, the seat is free (Sweep reports it, so the host can advertise it
// for backfill) and the token is spent for good. It is safe for
// concurrent use.
type SeatLedger struct {
	v     *TokenVerifier
	grace time.Duration
	clock func() time.Time

	mu    sync.Mutex
	seats map[string]*seat // by token nonce
}

type seat struct {
	claims     Claims
	connected  bool
	releasedAt time.Time // when it dropped, while not connected
	freed      bool
	freedAt    time.Time
	left       bool // freed by Leave, not by the grace period ending
}

// HeldSeat is a seat the ledger holds: connected, or kept in grace.
type HeldSeat struct {
	Claims    Claims    `json:"claims"`
	Connected bool      `json:"connected"`
	GraceEnds time.Time `json:"grace_ends,omitzero"` // while not connected
}

// NewSeatLedger returns a ledger checking tokens with v. opts may be nil.
func NewSeatLedger(v *TokenVerifier, opts *LedgerOptions) *SeatLedger {
	l := &SeatLedger{v: v, grace: 30 * time.Second, clock: time.Now, seats: make(map[string]*seat)}
	if opts != nil {
		if opts.Grace > 0 {
			l.grace = opts.Grace
		}
		if opts.Clock != nil {
			l.clock = opts.Clock
		}
	}
	return l
}

// Grace is the ledger's grace period.
func (l *SeatLedger) Grace() time.Duration { return l.grace }

// Claim verifies a token for matchID and takes its seat. It fails with
// the Verify errors, or ErrTokenReused when the token's seat was claimed
// before (use Resume after a drop).
func (l *SeatLedger) Claim(token, matchID string) (Claims, error) {
	now := l.clock()
	c, err := l.v.Verify(token, matchID, now)
	if err != nil {
		return Claims{}, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if s, ok := l.seats[c.Nonce]; ok {
		return Claims{}, fmt.Errorf("%w: seat of player %s in %s was claimed before (%s)", ErrTokenReused, c.PlayerID, c.MatchID, s.describe(now, l.grace))
	}
	l.seats[c.Nonce] = &seat{claims: c, connected: true}
	return c, nil
}

// ClaimToken is Claim for the match the token names: for a host that
// learns which of its matches a player joins from the token itself.
func (l *SeatLedger) ClaimToken(token string) (Claims, error) {
	c, err := l.v.signed(token)
	if err != nil {
		return Claims{}, err
	}
	return l.Claim(token, c.MatchID)
}

// Resume gives a dropped player their seat back with the token they
// claimed it with, within the grace period after Release. The token may
// have expired meanwhile: the grace period rules. It fails with
// ErrTokenMalformed, ErrTokenBadSignature or ErrTokenWrongMatch for a bad
// token, ErrSeatNotHeld when the token never claimed a seat, ErrTokenReused
// while the seat is connected or after Leave, and ErrGraceExpired after the
// grace period (the seat is freed).
func (l *SeatLedger) Resume(token, matchID string) (Claims, error) {
	now := l.clock()
	c, err := l.v.signed(token)
	if err == nil {
		err = c.forMatch(matchID)
	}
	if err != nil {
		return Claims{}, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.seats[c.Nonce]
	switch {
	case !ok:
		return Claims{}, fmt.Errorf("%w: token of player %s never claimed a seat in %s", ErrSeatNotHeld, c.PlayerID, c.MatchID)
	case s.connected:
		return Claims{}, fmt.Errorf("%w: seat of player %s is connected", ErrTokenReused, c.PlayerID)
	case s.left:
		return Claims{}, fmt.Errorf("%w: player %s left match %s", ErrTokenReused, c.PlayerID, c.MatchID)
	case s.freed || !now.Before(s.releasedAt.Add(l.grace)):
		s.free(s.releasedAt.Add(l.grace))
		return Claims{}, fmt.Errorf("%w: player %s dropped at %s, grace %s", ErrGraceExpired, c.PlayerID, s.releasedAt.UTC().Format(time.RFC3339), l.grace)
	}
	s.connected, s.releasedAt = true, time.Time{}
	return s.claims, nil
}

// Release records that the seat's player dropped: the seat is kept for the
// grace period. ErrSeatNotHeld when the seat is not connected.
func (l *SeatLedger) Release(nonce string) error {
	now := l.clock()
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.seats[nonce]
	if !ok || !s.connected {
		return fmt.Errorf("%w: no connected seat for token %s", ErrSeatNotHeld, nonce)
	}
	s.connected, s.releasedAt = false, now
	return nil
}

// Leave frees a seat now (the player quit for good); the token stays
// spent. ErrSeatNotHeld when the ledger does not hold it.
func (l *SeatLedger) Leave(nonce string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.seats[nonce]
	if !ok || s.freed {
		return fmt.Errorf("%w: no seat for token %s", ErrSeatNotHeld, nonce)
	}
	s.connected, s.left = false, true
	s.free(l.clock())
	return nil
}

// Sweep frees the seats whose grace period is over and returns their
// claims, so the host can advertise them. It forgets a freed seat once its
// token has expired (Claim refuses it anyway) and another grace period
// has passed (a late Resume is told the grace period is over).
func (l *SeatLedger) Sweep() []Claims {
	now := l.clock()
	l.mu.Lock()
	defer l.mu.Unlock()
	var freed []Claims
	for nonce, s := range l.seats {
		if !s.connected && !s.freed && !now.Before(s.releasedAt.Add(l.grace)) {
			s.free(s.releasedAt.Add(l.grace))
			freed = append(freed, s.claims)
		}
		if s.freed && !now.Before(s.claims.ExpiresAt) && !now.Before(s.freedAt.Add(l.grace)) {
			delete(l.seats, nonce)
		}
	}
	slices.SortFunc(freed, func(a, b Claims) int {
		return cmp.Or(cmp.Compare(a.MatchID, b.MatchID), cmp.Compare(a.PlayerID, b.PlayerID), cmp.Compare(a.Nonce, b.Nonce))
	})
	return freed
}

// Seats lists the seats held in a match: connected or in grace, by player.
func (l *SeatLedger) Seats(matchID string) []HeldSeat {
	now := l.clock()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []HeldSeat
	for _, s := range l.seats {
		if s.claims.MatchID != matchID || s.freed {
			continue
		}
		h := HeldSeat{Claims: s.claims, Connected: s.connected}
		if !s.connected {
			h.GraceEnds = s.releasedAt.Add(l.grace)
			if !now.Before(h.GraceEnds) {
				continue
			}
		}
		out = append(out, h)
	}
	slices.SortFunc(out, func(a, b HeldSeat) int {
		return cmp.Or(cmp.Compare(a.Claims.PlayerID, b.Claims.PlayerID), cmp.Compare(a.Claims.Nonce, b.Claims.Nonce))
	})
	return out
}

func (s *seat) free(at time.Time) {
	if !s.freed {
		s.freed, s.freedAt = true, at
	}
}

func (s *seat) describe(now time.Time, grace time.Duration) string {
	switch {
	case s.connected:
		return "connected"
	case s.left:
		return "player left"
	case s.freed || !now.Before(s.releasedAt.Add(grace)):
		return "grace period over"
	}
	return "dropped, in grace: resume it"
}
