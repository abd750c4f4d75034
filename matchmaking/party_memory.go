package matchmaking

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// MemoryParties is the in-process Parties. Expired parties are dropped
// when the next party is created, so memory stays bounded by the parties
// created within one invite lifetime.
type MemoryParties struct {
	mu      sync.Mutex
	parties map[string]Party
}

// NewMemoryParties returns an empty MemoryParties.
func NewMemoryParties() *MemoryParties { return &MemoryParties{parties: map[string]Party{}} }

var _ Parties = (*MemoryParties)(nil)

// Create implements Parties.
func (s *MemoryParties) Create(ctx context.Context, p Party, now time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for code, old := range s.parties {
		if !now.Before(old.ExpiresAt) {
			delete(s.parties, code)
		}
	}
	if _, ok := s.parties[p.Code]; ok {
		return fmt.Errorf("%w: %s", ErrPartyExists, p.Code)
	}
	s.parties[p.Code] = p.Clone()
	return nil
}

func (s *MemoryParties) live(code string, now time.Time) (Party, error) {
	p, ok := s.parties[code]
	if !ok || !now.Before(p.ExpiresAt) {
		return Party{}, fmt.Errorf("%w: %q", ErrPartyNotFound, code)
	}
	return p, nil
}

// Get implements Parties.
func (s *MemoryParties) Get(ctx context.Context, code string, now time.Time) (Party, error) {
	if err := ctx.Err(); err != nil {
		return Party{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.live(code, now)
	return p.Clone(), err
}

// Join implements Parties.
func (s *MemoryParties) Join(ctx context.Context, code string, member Player, now time.Time) (Party, error) {
	if err := ctx.Err(); err != nil {
		return Party{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.live(code, now)
	if err != nil {
		return Party{}, err
	}
	p = p.Clone()
	if _, err := p.join(member); err != nil {
		return Party{}, err
	}
	s.parties[code] = p
	return p.Clone(), nil
}

// SetTicket implements Parties.
func (s *MemoryParties) SetTicket(ctx context.Context, code, leader string, ticket TicketID, now time.Time) (Party, error) {
	if err := ctx.Err(); err != nil {
		return Party{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.live(code, now)
	if err != nil {
		return Party{}, err
	}
	if p.Leader != leader {
		return Party{}, fmt.Errorf("%w: %s leads party %s", ErrNotLeader, p.Leader, code)
	}
	p.Ticket = ticket
	s.parties[code] = p
	return p.Clone(), nil
}
