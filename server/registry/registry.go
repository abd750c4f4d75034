// Package registry knows which matches a host runs and where their free
// seats are: it places players directly (first match with a free seat, or
// a new one), creates and backfills matches the matchmaker assigns, and
// reports the host's load to the matchmaker's directory. The matches
// themselves (their loops, worlds and seats) are the match package's; the
// registry only keeps them, with what matchmaking needs to know of each.
package registry

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/match"
)

// ErrClosed is returned by calls on a closed Registry.
var ErrClosed = errors.New("registry: closed")

// directSeatWindow is how long a directly placed player's reservation
// waits for its join to reach the match's loop.
const directSeatWindow = 10 * time.Second

// Options configures a Registry.
type Options struct {
	// Direct is the game players are placed in without matchmaking
	// (Place). Default nil: no direct placement.
	Direct game.Rules
	// Modes maps the matchmaker's mode names to the rules their matches
	// play. Expect refuses other modes.
	Modes map[string]game.Rules
	// Match configures every match; it must have its defaults filled in
	// (match.Options.WithDefaults).
	Match *match.Options
	// Seed seeds the worlds of new matches; 0 picks a random seed per
	// match.
	Seed uint64
	// OnResult, when set, receives the result of every match that ended
	// with one (the world's end, or End at a drain deadline), on the
	// match's goroutine after its loop: it may take its time.
	OnResult func(MatchResult)
	// Record, when set, opens the recording of each new match (see
	// record.Recorders.Open); it may return nil: not recorded. Default
	// nil: no recordings.
	Record func(id, mode string, rules game.Rules, seed uint64) match.Recorder
	// Limits bound what strangers can hold: reservations nobody claims,
	// and direct placements (see Limits).
	Limits Limits
	// Logger receives structured logs. Default slog.Default().
	Logger *slog.Logger
}

// MatchResult is a finished match's result with the registry's knowledge
// of it.
type MatchResult struct {
	Match string
	Mode  string // empty for direct placement
	match.Result
}

// Registry is the set of matches one host runs.
type Registry struct {
	opts    Options
	schemas map[game.Rules]match.Schema

	mu       sync.Mutex
	entries  []*entry // in creation order
	ready    bool     // MarkReady was called
	draining bool     // Drain was called: no new match or player
	closed   bool
	seq      uint64 // seeds matches when Options.Seed is set
	logged   State  // the state last logged

	wg sync.WaitGroup // match loops
}

// entry is a running match with what matchmaking knows of it. Guarded by
// the Registry's mu.
type entry struct {
	m    *match.Match
	mode string // the mode it was made for; empty for direct placement
	// skill of the players assigned to it, which backfill matches against
	skillSum, skillSeen float64
	openSince           time.Time // since when it has had open seats
	started             time.Time // when the registry started it
}

// MatchStats is a running match's counters and mode.
type MatchStats struct {
	match.Stats
	Mode    string    // empty without matchmaking
	Started time.Time // when the match was started
	// Spectatable: the match takes spectators (and has room for one
	// more).
	Spectatable bool
}

// New returns a registry for the games of opts.
func New(opts Options) (*Registry, error) {
	if opts.Match == nil {
		opts.Match = (&match.Options{}).WithDefaults()
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	r := &Registry{opts: opts, schemas: map[game.Rules]match.Schema{}, logged: Starting}
	for _, rules := range r.games() {
		if _, done := r.schemas[rules]; done {
			continue
		}
		s, err := match.NewSchema(rules)
		if err != nil {
			return nil, fmt.Errorf("registry: %w", err)
		}
		r.schemas[rules] = s
	}
	return r, nil
}

// games lists every game the registry may run: the direct one and the
// modes'.
func (r *Registry) games() []game.Rules {
	var all []game.Rules
	if r.opts.Direct != nil {
		all = append(all, r.opts.Direct)
	}
	for _, rules := range r.opts.Modes {
		all = append(all, rules)
	}
	return all
}

// Place reserves a seat under key for a player placed without matchmaking,
// who came from addr: in the first match with a free seat, or in a new
// match. It fails with ErrCapacity when the host's seats are all taken,
// and ErrAddrSeats when addr holds as many seats as it may.
func (r *Registry) Place(key, addr string) (*match.Match, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.closed:
		return nil, ErrClosed
	case r.draining:
		return nil, ErrDraining
	}
	if r.opts.Direct == nil {
		return nil, errors.New("registry: no game for players without a join token")
	}
	if err := r.checkPlaceLocked(addr); err != nil {
		return nil, err
	}
	deadline := r.opts.Match.Clock.Now().Add(directSeatWindow)
	for _, e := range r.entries {
		if e.mode == "" && e.m.Rules() == r.opts.Direct && e.m.ReserveFrom(key, addr, deadline) == nil {
			return e.m, nil
		}
	}
	e := r.startLocked(newMatchID(), "", r.opts.Direct)
	if err := e.m.ReserveFrom(key, addr, deadline); err != nil {
		return nil, fmt.Errorf("registry: a new match refused its first player: %w", err)
	}
	return e.m, nil
}

// Find returns the running match with an ID, or nil.
func (r *Registry) Find(id string) *match.Match {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e := r.findLocked(id); e != nil {
		return e.m
	}
	return nil
}

// Closed reports whether Close was called.
func (r *Registry) Closed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.closed
}

// startLocked creates a match and starts its loop. r.mu is held.
func (r *Registry) startLocked(id, mode string, rules game.Rules) *entry {
	seed, opts := r.nextSeed(), r.opts.Match
	if r.opts.Record != nil {
		if rec := r.opts.Record(id, mode, rules, seed); rec != nil {
			o := *opts
			o.Recorder = rec
			opts = &o
		}
	}
	m := match.New(id, rules, r.schemas[rules], seed, opts)
	e := &entry{m: m, mode: mode, started: opts.Clock.Now()}
	r.entries = append(r.entries, e)
	// Started here, under r.mu: the match is on the host's metronome
	// before anyone can find it.
	m.Start()
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		<-m.Done()
		r.forget(m)
	}()
	r.opts.Logger.Info("match started", "match", id, "mode", mode, "game", rules.Name())
	r.noteStateLocked()
	return e
}

// findLocked returns the entry of a running match, or nil. r.mu is held.
func (r *Registry) findLocked(id string) *entry {
	for _, e := range r.entries {
		if e.m.ID() == id {
			return e
		}
	}
	return nil
}

func (r *Registry) forget(m *match.Match) {
	r.mu.Lock()
	mode := ""
	if e := r.findLocked(m.ID()); e != nil && e.m == m {
		mode = e.mode
	}
	r.mu.Unlock()
	// The result is recorded while the match is still listed, so the host
	// does not report itself stopped, nor the match gone, before it is.
	if res := m.Result(); res != nil {
		r.opts.Logger.Info("match ended", "match", m.ID(), "mode", mode, "reason", res.Reason, "winner", res.Winner,
			"duration", res.Ended.Sub(res.Started), "standings", res.Standings)
		if r.opts.OnResult != nil {
			r.opts.OnResult(MatchResult{Match: m.ID(), Mode: mode, Result: *res})
		}
	} else {
		r.opts.Logger.Info("match stopped", "match", m.ID(), "mode", mode)
	}
	r.mu.Lock()
	for i, e := range r.entries {
		if e.m == m {
			r.entries = append(r.entries[:i], r.entries[i+1:]...)
			break
		}
	}
	r.noteStateLocked()
	r.mu.Unlock()
}

// Matches returns the counters of every running match, in creation order.
func (r *Registry) Matches() []MatchStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]MatchStats, 0, len(r.entries))
	for _, e := range r.entries {
		st := e.m.Stats()
		open := e.m.Spectatable() && st.Spectators < r.opts.Match.MaxSpectators && e.m.Open()
		out = append(out, MatchStats{Stats: st, Mode: e.mode, Started: e.started, Spectatable: open})
	}
	return out
}

// Close stops every match, closing its players with 1001, and waits until
// every match loop has ended or ctx is done. Place refuses new players.
func (r *Registry) Close(ctx context.Context) error {
	r.mu.Lock()
	r.closed = true
	for _, e := range r.entries {
		e.m.Stop(protocol.CloseGoingAway, "server shutting down")
	}
	r.noteStateLocked()
	r.mu.Unlock()
	if err := r.wait(ctx); err != nil {
		return fmt.Errorf("registry: close: %w", err)
	}
	return nil
}

func (r *Registry) nextSeed() uint64 {
	if r.opts.Seed != 0 {
		r.seq++
		return r.opts.Seed + r.seq
	}
	var b [8]byte
	rand.Read(b[:])
	return binary.LittleEndian.Uint64(b[:])
}

func newMatchID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
