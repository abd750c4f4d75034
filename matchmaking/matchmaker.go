package matchmaking

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Matchmaker is the matchmaking service: tickets in, assignments out.
// Its methods are safe for concurrent use.
type Matchmaker struct {
	opts      Options
	limits    Limits
	modes     map[string]*ModeConfig
	modeNames []string // sorted
	store     Store
	dir       Directory
	signer    *TokenSigner
	clock     func() time.Time
	leases    Leases
	holder    string

	passMu sync.Mutex      // one pass at a time
	held   map[string]bool // pools whose lease the last pass held; under passMu

	mu       sync.Mutex // watchers and stats
	watchers map[TicketID][]*watcher
	watched  map[string]int // queued tickets watched, per mode
	pools    map[string]*poolStats
	passes   uint64
	lastAt   time.Time
	lastDur  time.Duration
}

// New makes a Matchmaker. opts may be nil only to get the error: Modes are
// required.
func New(opts *Options) (*Matchmaker, error) {
	o := opts.withDefaults()
	if len(o.Modes) == 0 {
		return nil, fmt.Errorf("%w: no modes", ErrBadMode)
	}
	m := &Matchmaker{
		opts: o, limits: o.Limits.withDefaults(), modes: make(map[string]*ModeConfig),
		store: o.Store, dir: o.Directory, signer: o.Signer, clock: o.Clock,
		leases: o.Leases, holder: o.Holder,
		watchers: make(map[TicketID][]*watcher), watched: make(map[string]int),
		pools: make(map[string]*poolStats), held: make(map[string]bool),
	}
	for _, mc := range o.Modes {
		mc = mc.WithDefaults()
		if err := mc.Validate(); err != nil {
			return nil, err
		}
		if _, dup := m.modes[mc.Name]; dup {
			return nil, fmt.Errorf("%w %q: defined twice", ErrBadMode, mc.Name)
		}
		m.modes[mc.Name] = &mc
		m.modeNames = append(m.modeNames, mc.Name)
		m.pools[mc.Name] = newPoolStats(o.WaitSamples)
	}
	slices.Sort(m.modeNames)
	if m.holder == "" {
		id, err := newID(o.Rand, "mm_")
		if err != nil {
			return nil, err
		}
		m.holder = id
	}
	if m.signer == nil {
		s, err := GenerateTokenSigner(o.Rand)
		if err != nil {
			return nil, err
		}
		m.signer = s
	}
	return m, nil
}

// Modes returns the modes, defaults applied, by name.
func (m *Matchmaker) Modes() []ModeConfig {
	out := make([]ModeConfig, 0, len(m.modeNames))
	for _, n := range m.modeNames {
		out = append(out, *m.modes[n])
	}
	return out
}

// Holder is this matchmaker's name in the pool leases (Options.Holder).
func (m *Matchmaker) Holder() string { return m.holder }

// Directory is the host directory: hosts heartbeat into it.
func (m *Matchmaker) Directory() Directory { return m.dir }

// PublicKey is the key hosts verify join tokens with.
func (m *Matchmaker) PublicKey() ed25519.PublicKey { return m.signer.PublicKey() }

// Verifier is a TokenVerifier for this matchmaker's tokens.
func (m *Matchmaker) Verifier() *TokenVerifier { return m.signer.Verifier() }

// Validate checks a ticket as Enqueue would, without queueing it or
// looking at the queue.
func (m *Matchmaker) Validate(t Ticket) error {
	return validateTicket(&t, m.modes[t.Mode], &m.limits)
}

// Enqueue validates a ticket and queues it, returning its ID (t.ID, or a
// new one when empty). CreatedAt is stamped with the clock when zero and
// may not be in the future. On any error the queue is unchanged:
// malformed tickets get a *ValidationError (errors.Is ErrInvalidTicket and
// the specific error: ErrUnknownMode, ErrPartyTooLarge, ...); a player
// already in a queued ticket gets ErrPlayerQueued; a known ID gets
// ErrDuplicateTicket.
func (m *Matchmaker) Enqueue(ctx context.Context, t Ticket) (TicketID, error) {
	now := m.clock()
	t = t.clone()
	if err := m.Validate(t); err != nil {
		return "", err
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = now
	} else if t.CreatedAt.After(now) {
		return "", invalid("created_at", ErrBadCreatedAt, "%s is after now (%s)", t.CreatedAt.Format(time.RFC3339Nano), now.Format(time.RFC3339Nano))
	}
	if t.ID == "" {
		id, err := newID(m.opts.Rand, "t_")
		if err != nil {
			return "", err
		}
		t.ID = TicketID(id)
	}
	if err := m.store.Add(ctx, t); err != nil {
		return "", fmt.Errorf("matchmaking: enqueue: %w", err)
	}
	return t.ID, nil
}

// Cancel withdraws a queued ticket. A cancelled ticket is never assigned:
// Cancel and the pass race on one compare-and-set in the Store, so either
// the cancel wins (and the pass drops the ticket's match) or the ticket was
// already assigned and Cancel fails with ErrNotQueued.
func (m *Matchmaker) Cancel(ctx context.Context, id TicketID) error {
	rec, err := m.store.Get(ctx, id)
	if err != nil {
		return fmt.Errorf("matchmaking: cancel: %w", err)
	}
	if rec.State != StateQueued {
		return fmt.Errorf("matchmaking: cancel %s: %w (%s)", id, ErrNotQueued, rec.State)
	}
	rec.State, rec.Reason, rec.FinishedAt = StateCancelled, "cancelled by the player", m.clock()
	if err := m.store.Finish(ctx, []Record{rec}); err != nil {
		return fmt.Errorf("matchmaking: cancel %s: %w", id, err)
	}
	m.mu.Lock()
	m.pools[rec.Ticket.Mode].cancelled++
	m.notifyLocked(rec, m.clock())
	m.mu.Unlock()
	return nil
}

// Status reports on a ticket: queued (with position, elapsed time, skill
// window and estimated wait), or final (with the assignment or the
// reason). ErrTicketNotFound for unknown or pruned tickets.
func (m *Matchmaker) Status(ctx context.Context, id TicketID) (TicketStatus, error) {
	rec, err := m.store.Get(ctx, id)
	if err != nil {
		return TicketStatus{}, fmt.Errorf("matchmaking: status: %w", err)
	}
	pos := 0
	if rec.State == StateQueued {
		pos, err = m.store.Position(ctx, id)
		if errors.Is(err, ErrNotQueued) { // finished meanwhile
			if rec, err = m.store.Get(ctx, id); err != nil {
				return TicketStatus{}, fmt.Errorf("matchmaking: status: %w", err)
			}
		} else if err != nil {
			return TicketStatus{}, fmt.Errorf("matchmaking: status: %w", err)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.statusLocked(rec, pos, m.clock()), nil
}

// statusLocked builds a status; m.mu held (for the wait estimate).
func (m *Matchmaker) statusLocked(rec Record, pos int, now time.Time) TicketStatus {
	t := &rec.Ticket
	st := TicketStatus{
		TicketID: t.ID, Mode: t.Mode, State: rec.State, Players: len(t.Players),
		Assignment: rec.Assignment, Reason: rec.Reason,
	}
	if rec.State == StateQueued {
		st.Position = pos
		st.Elapsed = max(now.Sub(t.CreatedAt), 0)
		if mc := m.modes[t.Mode]; mc != nil {
			st.Window = mc.Window(st.Elapsed)
		}
		if ps := m.pools[t.Mode]; ps != nil {
			st.EstimatedWait = ps.p50
		}
	} else {
		st.Elapsed = max(rec.FinishedAt.Sub(t.CreatedAt), 0)
	}
	return st
}

// Explain runs the matching function over the ticket's pool as it is now
// (without committing anything) and explains the ticket's place in it;
// for an operator endpoint. A ticket that left the queue is explained by
// its record.
func (m *Matchmaker) Explain(ctx context.Context, id TicketID) (Explanation, error) {
	rec, err := m.store.Get(ctx, id)
	if err != nil {
		return Explanation{}, fmt.Errorf("matchmaking: explain: %w", err)
	}
	if rec.State != StateQueued {
		reason := rec.Reason
		if rec.Assignment != nil {
			reason = fmt.Sprintf("assigned to match %s on host %s", rec.Assignment.MatchID, rec.Assignment.HostID)
		}
		return Explanation{TicketID: id, Pool: rec.Ticket.Mode, Outcome: string(rec.State), Reason: reason,
			Players: len(rec.Ticket.Players), Skill: rec.Ticket.Skill,
			Regions: []ExplainedRegion{}, Candidates: []Candidate{}}, nil
	}
	mc := m.modes[rec.Ticket.Mode]
	tickets, err := m.store.Queued(ctx, mc.Name)
	if err != nil {
		return Explanation{}, fmt.Errorf("matchmaking: explain: %w", err)
	}
	slots, err := m.dir.OpenSlots(ctx, mc.Name)
	if err != nil {
		return Explanation{}, fmt.Errorf("matchmaking: explain: %w", err)
	}
	return Explain(PassInput{Now: m.clock(), Mode: *mc, Tickets: tickets, Backfill: slots}, id), nil
}
