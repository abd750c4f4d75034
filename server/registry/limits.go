package registry

import (
	"errors"
	"fmt"
	"time"
)

// Errors of Place past the host's limits. Admission tells the player.
var (
	// ErrCapacity: every seat the host runs is taken.
	ErrCapacity = errors.New("registry: every seat of this host is taken")
	// ErrAddrSeats: the player's address holds as many seats as it may.
	ErrAddrSeats = errors.New("registry: this address holds as many seats as it may")
)

// DefaultClaimWindow is how long an assigned seat waits for its player by
// default.
const DefaultClaimWindow = 15 * time.Second

// Limits bound the seats strangers can hold on a host.
type Limits struct {
	// ClaimWindow is how long a seat reserved for a matchmaker's
	// assignment waits for its player (never past the join token's
	// expiry); a seat not claimed by then is released, and the host's
	// next report offers it again. Default DefaultClaimWindow.
	ClaimWindow time.Duration
	// Capacity caps the seats, reserved, claimed or held, of directly
	// placed players (Place) over all matches. Default 0: no cap.
	Capacity int
	// MaxSeatsPerAddr caps the seats, reserved, claimed or held (a
	// dropped player's seat is held for the grace period), placed from
	// one client address. Default 0: no cap.
	MaxSeatsPerAddr int
}

// claimDeadline is when a seat reserved now for a token expiring at
// expires must be claimed by.
func (r *Registry) claimDeadline(expires time.Time) time.Time {
	w := r.opts.Limits.ClaimWindow
	if w <= 0 {
		w = DefaultClaimWindow
	}
	if by := r.opts.Match.Clock.Now().Add(w); by.Before(expires) {
		return by
	}
	return expires
}

// checkPlaceLocked refuses a direct placement past Capacity or
// MaxSeatsPerAddr. The counts come from the seat tables, the seats' one
// owner. r.mu is held, so two placements cannot both take the last seat.
func (r *Registry) checkPlaceLocked(addr string) error {
	l := r.opts.Limits
	if l.Capacity <= 0 && (l.MaxSeatsPerAddr <= 0 || addr == "") {
		return nil
	}
	taken, fromAddr := 0, 0
	for _, e := range r.entries {
		if e.mode != "" {
			continue // the matchmaker's matches count in its directory
		}
		taken += e.m.Seats().Taken()
		if addr != "" {
			fromAddr += e.m.SeatsFrom(addr)
		}
	}
	switch {
	case l.Capacity > 0 && taken >= l.Capacity:
		return fmt.Errorf("%w: %d of %d", ErrCapacity, taken, l.Capacity)
	case l.MaxSeatsPerAddr > 0 && addr != "" && fromAddr >= l.MaxSeatsPerAddr:
		return fmt.Errorf("%w: %d", ErrAddrSeats, fromAddr)
	}
	return nil
}
