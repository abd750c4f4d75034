package server

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/skirmishgg/skirmish/matchmaking"
)

var (
	errTokenRequired = errors.New("server: a join token is required")
	errBadToken      = errors.New("server: join token refused")
)

// pendingSeat is a seat kept in a match for a player the matchmaker
// assigned, until the player arrives with its token or the token expires.
type pendingSeat struct {
	match   *Match
	expires time.Time
}

// Expect prepares this host for a matchmaker's assignment: it creates the
// match (for a new one) and keeps a seat for each assigned player until
// their token expires, so the seats are neither given to others nor
// advertised for backfill meanwhile. It is the embedded matchmaker's
// OnAssign hook.
func (s *Server) Expect(a matchmaking.MatchAssignment) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	m := s.findLocked(a.MatchID)
	if m == nil {
		if a.Backfill {
			return fmt.Errorf("server: backfill for match %s, which is not running here", a.MatchID)
		}
		rules, ok := s.opts.Modes[a.Mode]
		if !ok {
			return fmt.Errorf("server: mode %q is not played on this host", a.Mode)
		}
		m = s.startLocked(a.MatchID, a.Mode, rules)
	}
	if s.pending == nil {
		s.pending = map[string]pendingSeat{}
	}
	for _, p := range a.Players {
		m.seats.Add(1)
		m.addSkill(p.Skill)
		s.pending[p.Nonce] = pendingSeat{match: m, expires: a.ExpiresAt}
	}
	return nil
}

// joinWithToken seats a player in the match its join token names.
func (s *Server) joinWithToken(sess *session, token string) (*Match, error) {
	claims, err := s.opts.Seats.ClaimToken(token)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errBadToken, err)
	}
	s.mu.Lock()
	p, expected := s.pending[claims.Nonce]
	delete(s.pending, claims.Nonce)
	m := s.findLocked(claims.MatchID)
	s.mu.Unlock()
	if m == nil {
		s.opts.Seats.Leave(claims.Nonce)
		return nil, fmt.Errorf("%w: match %s is not running on this host", errBadToken, claims.MatchID)
	}
	// An expected player has a seat kept; a late one needs a free seat.
	if !expected || p.match != m {
		if !m.reserve() {
			s.opts.Seats.Leave(claims.Nonce)
			return nil, fmt.Errorf("%w: match %s is full", errBadToken, claims.MatchID)
		}
	}
	sess.resume, sess.nonce = token, claims.Nonce
	if sess.name == "" {
		sess.name = claims.PlayerID
	}
	s.resumes.Store(token, m)
	if err := s.handOver(m, sess); err != nil {
		s.resumes.Delete(token)
		return nil, err
	}
	return m, nil
}

// Report fills a host registration with this server's load: the seats of
// its matches at full size, and the matches with open seats for backfill.
// It also gives back kept seats whose players never came.
func (s *Server) Report(h matchmaking.Host) matchmaking.Host {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for nonce, p := range s.pending {
		if now.After(p.expires) {
			delete(s.pending, nonce)
			p.match.seats.Add(-1)
		}
	}
	h.Used, h.Matches = 0, h.Matches[:0]
	for _, m := range s.matches {
		if m.ending.Load() {
			continue
		}
		max := m.rules.MaxPlayers()
		h.Used += max
		open := max - int(m.seats.Load())
		if open <= 0 || m.mode == "" {
			m.openSince = time.Time{}
			continue
		}
		if m.openSince.IsZero() {
			m.openSince = now
		}
		h.Matches = append(h.Matches, matchmaking.RunningMatch{
			ID: m.id, Mode: m.mode, OpenSeats: open, MeanSkill: m.meanSkill(), OpenSince: m.openSince,
		})
	}
	return h
}

// Heartbeat reports this server to a matchmaker's host directory every
// interval until ctx ends, then deregisters it.
func (s *Server) Heartbeat(ctx context.Context, dir matchmaking.Directory, h matchmaking.Host, every time.Duration) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := dir.Heartbeat(ctx, s.Report(h)); err != nil && ctx.Err() == nil {
			s.opts.Logger.Warn("host heartbeat", "err", err)
		}
		select {
		case <-ctx.Done():
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			dir.Deregister(dctx, h.ID)
			return nil
		case <-t.C:
		}
	}
}
