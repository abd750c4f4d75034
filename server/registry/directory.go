package registry

import (
	"context"
	"fmt"
	"time"

	"github.com/skirmishgg/skirmish/matchmaking"
)

// Expect prepares this host for a matchmaker's assignment: it creates the
// match (for a new one) and reserves a seat for each assigned player for
// the claim window (Limits.ClaimWindow, at most until their token
// expires), so the seats are neither given to others nor advertised for
// backfill meanwhile; a seat nobody claims in time is released and
// reported free again. It is the embedded matchmaker's OnAssign hook.
func (r *Registry) Expect(a matchmaking.MatchAssignment) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.closed:
		return ErrClosed
	case r.draining:
		return fmt.Errorf("%w: refused match %s", ErrDraining, a.MatchID)
	}
	e := r.findLocked(a.MatchID)
	if e == nil {
		if a.Backfill {
			return fmt.Errorf("registry: backfill for match %s, which is not running here", a.MatchID)
		}
		rules, ok := r.opts.Modes[a.Mode]
		if !ok {
			return fmt.Errorf("registry: mode %q is not played on this host", a.Mode)
		}
		e = r.startLocked(a.MatchID, a.Mode, rules)
	}
	claimBy := r.claimDeadline(a.ExpiresAt)
	for _, p := range a.Players {
		if err := e.m.Reserve(p.Nonce, claimBy, a.ExpiresAt); err != nil {
			return fmt.Errorf("registry: seat for player %s in match %s: %w", p.PlayerID, a.MatchID, err)
		}
		e.skillSum += p.Skill
		e.skillSeen++
	}
	return nil
}

// Report fills a host registration with this host's load: the seats of
// its matches at full size, and the matches with open seats for backfill.
func (r *Registry) Report(h matchmaking.Host) matchmaking.Host {
	now := r.opts.Match.Clock.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	h.State = string(r.stateLocked())
	h.Used, h.Matches, h.Running = 0, h.Matches[:0], h.Running[:0]
	for _, e := range r.entries {
		h.Running = append(h.Running, e.m.ID())
		if !e.m.Open() {
			continue
		}
		max := e.m.Rules().MaxPlayers()
		h.Used += max
		open := max - e.m.Seats().Taken()
		if open <= 0 || e.mode == "" || r.draining {
			e.openSince = time.Time{}
			continue
		}
		if e.openSince.IsZero() {
			e.openSince = now
		}
		h.Matches = append(h.Matches, matchmaking.RunningMatch{
			ID: e.m.ID(), Mode: e.mode, OpenSeats: open, MeanSkill: e.meanSkill(), OpenSince: e.openSince,
		})
	}
	return h
}

// meanSkill is the mean rating of the players assigned to the match,
// which backfill matches against.
func (e *entry) meanSkill() float64 {
	if e.skillSeen == 0 {
		return 0
	}
	return e.skillSum / e.skillSeen
}

// Heartbeat reports this host to a matchmaker's directory every interval
// until ctx ends, then deregisters it.
func (r *Registry) Heartbeat(ctx context.Context, dir matchmaking.Directory, h matchmaking.Host, every time.Duration) error {
	t := r.opts.Match.Clock.NewTicker(every)
	defer t.Stop()
	for {
		if err := dir.Heartbeat(ctx, r.Report(h)); err != nil && ctx.Err() == nil {
			r.opts.Logger.Warn("host heartbeat", "host_id", h.ID, "err", err)
		}
		select {
		case <-ctx.Done():
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			dir.Deregister(dctx, h.ID)
			return nil
		case <-t.C():
		}
	}
}
