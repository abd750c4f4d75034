package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	mm "github.com/skirmishgg/skirmish/matchmaking"
)

// PartiesOptions configures Parties. A nil *PartiesOptions takes the
// defaults.
type PartiesOptions struct {
	// Prefix starts every key; see StoreOptions.Prefix. Default
	// DefaultPrefix.
	Prefix string
}

// Parties are matchmaking.Parties in Redis: one JSON value per party,
// expiring with its invite (PXAT, kept by Redis). A join is an optimistic
// transaction (WATCH, then MULTI/EXEC), retried when another member's
// join raced it, so no member is lost and the cap holds.
type Parties struct {
	c redis.UniversalClient
	k keys
}

var _ mm.Parties = (*Parties)(nil)

// NewParties returns parties on c; opts may be nil.
func NewParties(c redis.UniversalClient, opts *PartiesOptions) *Parties {
	var o PartiesOptions
	if opts != nil {
		o = *opts
	}
	return &Parties{c: c, k: newKeys(o.Prefix)}
}

func (s *Parties) key(code string) string { return s.k.of("party", code) }

// Create implements mm.Parties.
func (s *Parties) Create(ctx context.Context, p mm.Party, now time.Time) error {
	if !now.Before(p.ExpiresAt) {
		return fmt.Errorf("redisstore: party %s expires before it is created", p.Code)
	}
	b, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("redisstore: party: %w", err)
	}
	ok, err := s.c.SetNX(ctx, s.key(p.Code), b, p.ExpiresAt.Sub(now)).Result()
	if err != nil {
		return fmt.Errorf("redisstore: create party: %w", err)
	}
	if !ok {
		return fmt.Errorf("%w: %s", mm.ErrPartyExists, p.Code)
	}
	return nil
}

func (s *Parties) read(ctx context.Context, g redis.Cmdable, code string, now time.Time) (mm.Party, error) {
	b, err := g.Get(ctx, s.key(code)).Bytes()
	if errors.Is(err, redis.Nil) {
		return mm.Party{}, fmt.Errorf("%w: %q", mm.ErrPartyNotFound, code)
	}
	if err != nil {
		return mm.Party{}, fmt.Errorf("redisstore: get party: %w", err)
	}
	var p mm.Party
	if err := json.Unmarshal(b, &p); err != nil {
		return mm.Party{}, fmt.Errorf("redisstore: party %s: %w", code, err)
	}
	if !now.Before(p.ExpiresAt) {
		return mm.Party{}, fmt.Errorf("%w: %q", mm.ErrPartyNotFound, code)
	}
	return p, nil
}

// Get implements mm.Parties.
func (s *Parties) Get(ctx context.Context, code string, now time.Time) (mm.Party, error) {
	return s.read(ctx, s.c, code, now)
}

// update reads a party, applies change and writes it back in one
// optimistic transaction, keeping its expiry.
func (s *Parties) update(ctx context.Context, code string, now time.Time, change func(*mm.Party) (bool, error)) (mm.Party, error) {
	var out mm.Party
	txf := func(tx *redis.Tx) error {
		p, err := s.read(ctx, tx, code, now)
		if err != nil {
			return err
		}
		changed, err := change(&p)
		if err != nil {
			return err
		}
		out = p
		if !changed {
			return nil
		}
		b, err := json.Marshal(p)
		if err != nil {
			return fmt.Errorf("redisstore: party: %w", err)
		}
		_, err = tx.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
			pipe.SetArgs(ctx, s.key(code), b, redis.SetArgs{KeepTTL: true, Mode: "XX"})
			return nil
		})
		return err
	}
	for range 16 {
		err := s.c.Watch(ctx, txf, s.key(code))
		if errors.Is(err, redis.TxFailedErr) {
			continue // another member changed the party: read it again
		}
		return out, err
	}
	return mm.Party{}, fmt.Errorf("redisstore: party %s: too much contention", code)
}

// Join implements mm.Parties.
func (s *Parties) Join(ctx context.Context, code string, member mm.Player, now time.Time) (mm.Party, error) {
	return s.update(ctx, code, now, func(p *mm.Party) (bool, error) { return mm.JoinParty(p, member) })
}

// SetTicket implements mm.Parties.
func (s *Parties) SetTicket(ctx context.Context, code, leader string, ticket mm.TicketID, now time.Time) (mm.Party, error) {
	return s.update(ctx, code, now, func(p *mm.Party) (bool, error) {
		if p.Leader != leader {
			return false, fmt.Errorf("%w: %s leads party %s", mm.ErrNotLeader, p.Leader, code)
		}
		p.Ticket = ticket
		return true, nil
	})
}
