package match

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/skirmishgg/skirmish/game"
)

// Errors of joining and seats. Admission maps them to close codes.
var (
	// ErrEnded: the match ended, or is ending, and takes nobody.
	ErrEnded = errors.New("match: the match has ended")
	// ErrFull: every seat is reserved, taken or kept.
	ErrFull = errors.New("match: no free seat")
	// ErrUnknownSeat: no seat has this key (never reserved, or released).
	ErrUnknownSeat = errors.New("match: no seat for this key")
	// ErrSeatSpent: the key took a seat before, which has been released:
	// a join token is good for one seat, once.
	ErrSeatSpent = errors.New("match: the seat's token was already used")
	// ErrKeyExpired: a new seat asked for with a key that is no longer
	// fresh (an expired join token); a seat already held may still resume.
	ErrKeyExpired = errors.New("match: the key expired before its seat was taken")
	// ErrWrongIdentity: the seat was taken by another identity; only
	// that one resumes it.
	ErrWrongIdentity = errors.New("match: the seat belongs to another identity")
	// ErrGone: the player's connection ended before the match took it.
	ErrGone = errors.New("match: the connection ended before the player joined")
)

// A seat's life has one owner, its match's seatTable:
//
//	reserved ──claim──► claimed ──drop──► held ──resume──► claimed
//	    │                  │               │
//	    └─ deadline ───────┴── leave ──────┴─ grace over ──► released
//
// A reserved seat waits for its player (an assignment from the matchmaker,
// or a direct join being handed to the loop) until its deadline. A claimed
// seat has a connected player. A held seat keeps a dropped player in the
// world, standing still, until the grace period ends. A released seat is
// gone; when its key was a join token, the key stays spent until the token
// expires, so the token takes no seat again.
type seatState uint8

const (
	seatReserved seatState = iota + 1
	seatClaimed
	seatHeld
)

func (s seatState) String() string {
	switch s {
	case seatReserved:
		return "reserved"
	case seatClaimed:
		return "claimed"
	case seatHeld:
		return "held"
	}
	return fmt.Sprintf("seatState(%d)", s)
}

// seat is one seat of a match.
type seat struct {
	key      string
	state    seatState
	deadline time.Time // reserved: to be claimed by; held: to be resumed by
	// spentUntil, when set, keeps the key refused after release until
	// then: the expiry of the join token the seat came from.
	spentUntil time.Time
	player     *Player // claimed or held; nil while reserved
	// addr is the client address a direct placement came from, for the
	// per-address cap on seats; empty for join tokens.
	addr string
}

// seatTable is the one owner of a match's seats. Reservations come from
// any goroutine (the registry placing players, the matchmaker's
// assignments); every other change is the match loop's. A mutex guards it:
// the loop takes it only when players join or leave and once a second, so
// the tick never waits on it.
type seatTable struct {
	mu     sync.Mutex
	max    int
	ending bool             // takes no new reservation
	byKey  map[string]*seat // reserved, claimed and held seats
	spent  map[string]time.Time

	metrics *Metrics // join tokens claimed and expired
}

func newSeatTable(max int, metrics *Metrics) *seatTable {
	return &seatTable{max: max, byKey: map[string]*seat{}, spent: map[string]time.Time{}, metrics: metrics}
}

// fromToken reports whether a seat was reserved for a join token (whose
// expiry keeps its key spent), not for a directly placed player.
func (s *seat) fromToken() bool { return !s.spentUntil.IsZero() }

// reserve keeps a seat for key until deadline. spentUntil, when set, is
// how long the key stays refused once the seat is released. Reserving a
// key that already has a seat changes nothing.
func (t *seatTable) reserve(key, addr string, deadline, spentUntil time.Time) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.reserveLocked(key, deadline, spentUntil); err != nil {
		return err
	}
	if s := t.byKey[key]; s.state == seatReserved && s.addr == "" {
		s.addr = addr
	}
	return nil
}

// countFrom counts the seats, in any state, placed for addr.
func (t *seatTable) countFrom(addr string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, s := range t.byKey {
		if s.addr == addr {
			n++
		}
	}
	return n
}

func (t *seatTable) reserveLocked(key string, deadline, spentUntil time.Time) error {
	switch {
	case t.ending:
		return ErrEnded
	case t.byKey[key] != nil:
		return nil
	}
	if _, spent := t.spent[key]; spent {
		return ErrSeatSpent
	}
	if len(t.byKey) >= t.max {
		return ErrFull
	}
	t.byKey[key] = &seat{key: key, state: seatReserved, deadline: deadline, spentUntil: spentUntil}
	return nil
}

// lookup returns the seat of key, reserving one first when reserveIfNone
// says so (a late joiner with a fresh token). Loop only.
func (t *seatTable) lookup(key string, reserveIfNone bool, deadline, spentUntil time.Time) (*seat, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if s := t.byKey[key]; s != nil {
		return s, nil
	}
	if _, spent := t.spent[key]; spent {
		return nil, ErrSeatSpent
	}
	if !reserveIfNone {
		return nil, ErrUnknownSeat
	}
	if err := t.reserveLocked(key, deadline, spentUntil); err != nil {
		return nil, err
	}
	return t.byKey[key], nil
}

// claim gives a reserved or held seat to a connected player. Loop only.
func (t *seatTable) claim(s *seat, p *Player) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if s.state == seatReserved && s.fromToken() {
		t.metrics.tokensClaimed.Inc()
	}
	s.state = seatClaimed
	s.player, s.deadline = p, time.Time{}
}

// hold keeps a dropped player's seat until deadline. Loop only.
func (t *seatTable) hold(s *seat, deadline time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s.state = seatHeld
	s.deadline = deadline
}

// release frees a seat for good. Loop only.
func (t *seatTable) release(s *seat) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.releaseLocked(s)
}

func (t *seatTable) releaseLocked(s *seat) {
	if t.byKey[s.key] != s {
		return
	}
	delete(t.byKey, s.key)
	if !s.spentUntil.IsZero() {
		t.spent[s.key] = s.spentUntil
	}
	s.player = nil
}

// expire releases reserved seats whose player never came and held seats
// whose grace period is over, and forgets spent keys whose tokens have
// expired. It returns the players of the held seats it released, whom the
// loop takes out of the world. Loop only.
func (t *seatTable) expire(now time.Time, dst []*Player) []*Player {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, s := range t.byKey {
		if s.state == seatClaimed || now.Before(s.deadline) {
			continue
		}
		switch s.state {
		case seatHeld:
			dst = append(dst, s.player)
		case seatReserved:
			if s.fromToken() {
				t.metrics.tokensExpired.Inc()
			}
			// Its claim window passed unused: the token never took a
			// seat, so it is not spent; a late player may still take a
			// free seat with it (ReserveIfNone), not this one.
			s.spentUntil = time.Time{}
		}
		t.releaseLocked(s)
	}
	for key, until := range t.spent {
		if !now.Before(until) {
			delete(t.spent, key)
		}
	}
	return dst
}

// SeatCounts is a match's seats by state.
type SeatCounts struct {
	Reserved, Claimed, Held int
	// Spent is how many released join tokens are still remembered as used.
	Spent int
}

// Taken is every seat not free: reserved, claimed or held.
func (c SeatCounts) Taken() int { return c.Reserved + c.Claimed + c.Held }

func (t *seatTable) counts() SeatCounts {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := SeatCounts{Spent: len(t.spent)}
	for _, s := range t.byKey { // a match's seats: a few dozen at most
		switch s.state {
		case seatReserved:
			c.Reserved++
		case seatClaimed:
			c.Claimed++
		case seatHeld:
			c.Held++
		}
	}
	return c
}

// setEnding makes the table refuse new reservations. When onlyIfEmpty, it
// does so only while no seat is reserved, taken or kept, and reports
// whether it did.
func (t *seatTable) setEnding(onlyIfEmpty bool) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if onlyIfEmpty && len(t.byKey) > 0 {
		return false
	}
	t.ending = true
	return true
}

// playerIDInUse reports whether a claimed or held seat has the ID. Loop
// only.
func (t *seatTable) playerIDInUse(id game.PlayerID) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, s := range t.byKey {
		if s.player != nil && s.player.id == id {
			return true
		}
	}
	return false
}

// heldPlayers appends the players of held seats. Loop only.
func (t *seatTable) heldPlayers(dst []*Player) []*Player {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, s := range t.byKey {
		if s.state == seatHeld {
			dst = append(dst, s.player)
		}
	}
	return dst
}

// releaseAll releases every seat as the match ends. Loop only.
func (t *seatTable) releaseAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.ending = true
	for _, s := range t.byKey {
		if s.state == seatReserved && s.fromToken() {
			t.metrics.tokensExpired.Inc()
		}
		t.releaseLocked(s)
	}
}

// seatOf returns the seat p holds, or nil once it has passed to a newer
// connection or been released. Loop only.
func (t *seatTable) seatOf(p *Player) *seat {
	t.mu.Lock()
	defer t.mu.Unlock()
	if s := t.byKey[p.key]; s != nil && s.player == p {
		return s
	}
	return nil
}
