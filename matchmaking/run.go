package matchmaking

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// PassReport is what one RunPass did.
type PassReport struct {
	At       time.Time     `json:"at"`
	Duration time.Duration `json:"duration_ns"`
	Pools    []PoolReport  `json:"pools"`
}

// PoolReport is what a pass did in one pool.
type PoolReport struct {
	Mode string `json:"mode"`
	// NotHeld is set when another matchmaker holds the pool's lease: this
	// pass left the pool alone.
	NotHeld bool `json:"not_held,omitempty"`
	Tickets int  `json:"tickets"` // queued when the pass started
	Matches int  `json:"matches"`
	// Backfills counts tickets placed in running matches.
	Backfills int `json:"backfills"`
	TimedOut  int `json:"timed_out"`
	Failed    int `json:"failed"`
	// AllocationFailures counts matches and backfills no host could take;
	// their tickets stay queued.
	AllocationFailures int `json:"allocation_failures"`
	// Conflicts counts matches and backfills dropped because one of their
	// tickets left the queue (a cancel) while the pass ran; the others
	// stay queued.
	Conflicts int `json:"conflicts"`
}

// Run runs a pass every Interval until ctx ends, then gives up the pool
// leases it holds and returns ctx.Err(). Pass errors are logged, not
// fatal.
func (m *Matchmaker) Run(ctx context.Context) error {
	tick := time.NewTicker(m.opts.Interval)
	defer tick.Stop()
	defer m.releaseLeases(ctx)
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
			now := m.clock()
			rep, err := m.RunPass(ctx, now)
			if err != nil && ctx.Err() == nil {
				m.opts.Logger.Warn("matchmaking pass", "err", err)
			}
			notHeld := map[string]bool{}
			for _, p := range rep.Pools {
				if p.NotHeld {
					notHeld[p.Mode] = true
				}
			}
			m.refreshWatched(ctx, notHeld, now)
		}
	}
}

// releaseLeases gives up this matchmaker's pool leases when Run ends, so
// another matchmaker takes its pools at once rather than after LeaseTTL.
func (m *Matchmaker) releaseLeases(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	m.passMu.Lock()
	defer m.passMu.Unlock()
	for _, name := range m.modeNames {
		if !m.held[name] {
			continue
		}
		if err := m.leases.Release(ctx, name, m.holder); err != nil {
			m.opts.Logger.Warn("matchmaking: release pool lease", "pool", name, "holder", m.holder, "err", err)
			continue
		}
		m.held[name] = false
		m.opts.Logger.Info("matchmaking: pool lease", "pool", name, "holder", m.holder, "held", false)
	}
}

// RunPass runs one matching pass over every pool at now and commits it:
// timed-out and unmatchable tickets leave the queue; backfills and new
// matches get seats from the Directory and signed tokens, and are
// committed only if all their tickets are still queued (otherwise their
// seats are released and the other tickets stay queued). Passes are
// serialized. Run calls it; tests call it with their own now.
//
// A pool is passed only while this matchmaker holds its lease
// (Options.Leases), which the pass renews; otherwise its PoolReport says
// NotHeld. The lease only keeps matchmakers from doing the same work
// twice; it is not what keeps a ticket from being matched twice. A lease
// may lapse mid-pass (a slow pass, a paused process) while another
// matchmaker passes the same pool from the same snapshot; both may then
// reserve seats for the same tickets. But a match is committed only by
// Store.Finish, an all-or-nothing compare-and-set from queued, so exactly
// one of the two commits succeeds for any ticket; the loser's Finish
// fails with ErrNotQueued, its reservations are Released, and nothing
// of it is published (tokens it signed are never handed out).
func (m *Matchmaker) RunPass(ctx context.Context, now time.Time) (PassReport, error) {
	m.passMu.Lock()
	defer m.passMu.Unlock()
	start := m.clock()
	rep := PassReport{At: now}
	var errs []error
	for _, name := range m.modeNames {
		held, err := m.leases.Acquire(ctx, name, m.holder, m.opts.LeaseTTL)
		if err == nil && held != m.held[name] {
			m.held[name] = held
			m.opts.Logger.Info("matchmaking: pool lease", "pool", name, "holder", m.holder, "held", held)
		}
		if err != nil || !held {
			if err != nil {
				errs = append(errs, fmt.Errorf("matchmaking: pool %s: lease: %w", name, err))
			}
			rep.Pools = append(rep.Pools, PoolReport{Mode: name, NotHeld: true})
			if ctx.Err() != nil {
				break
			}
			continue
		}
		pr, err := m.passPool(ctx, name, now)
		rep.Pools = append(rep.Pools, pr)
		if err != nil {
			errs = append(errs, err)
			if ctx.Err() != nil {
				break
			}
		}
	}
	if _, err := m.store.Prune(ctx, now.Add(-m.opts.Retention)); err != nil {
		errs = append(errs, fmt.Errorf("matchmaking: prune: %w", err))
	}
	if _, err := m.store.Trim(ctx, m.opts.RetainedTickets); err != nil {
		errs = append(errs, fmt.Errorf("matchmaking: trim: %w", err))
	}
	rep.Duration = m.clock().Sub(start)
	m.mu.Lock()
	m.passes++
	m.lastAt, m.lastDur = now, rep.Duration
	m.mu.Unlock()
	return rep, errors.Join(errs...)
}

// committed is a record the pass finished, with its index in the pass's
// ticket snapshot.
type committed struct {
	rec   Record
	index int
}

// passPool runs and commits the pass of one pool.
func (m *Matchmaker) passPool(ctx context.Context, name string, now time.Time) (PoolReport, error) {
	mc := m.modes[name]
	pr := PoolReport{Mode: name}
	tickets, err := m.store.Queued(ctx, name)
	if err != nil {
		return pr, fmt.Errorf("matchmaking: pool %s: %w", name, err)
	}
	slots, err := m.dir.OpenSlots(ctx, name)
	if err != nil {
		return pr, fmt.Errorf("matchmaking: pool %s: %w", name, err)
	}
	pr.Tickets = len(tickets)
	out := Pass(PassInput{Now: now, Mode: *mc, Tickets: tickets, Backfill: slots})

	var done []committed
	var hooks []MatchAssignment
	var errs []error
	finish := func(recs []Record, indexes []int) error {
		err := m.store.Finish(ctx, recs)
		if err == nil {
			for i, r := range recs {
				done = append(done, committed{rec: r, index: indexes[i]})
			}
		}
		return err
	}

	for _, to := range out.TimedOut {
		rec := Record{Ticket: tickets[to.Index], State: StateTimedOut, Reason: to.Reason, FinishedAt: now}
		if err := finish([]Record{rec}, []int{to.Index}); err == nil {
			pr.TimedOut++
		} else if !errors.Is(err, ErrNotQueued) {
			errs = append(errs, err)
		}
	}
	for _, rj := range out.Rejected {
		rec := Record{Ticket: tickets[rj.Index], State: StateFailed, Reason: rj.Reason, FinishedAt: now}
		if err := finish([]Record{rec}, []int{rj.Index}); err == nil {
			pr.Failed++
		} else if !errors.Is(err, ErrNotQueued) {
			errs = append(errs, err)
		}
	}

	// Reserve seats, in the pass's order.
	var work []*pending
	for _, b := range out.Backfills {
		if ctx.Err() != nil {
			break
		}
		slot := findSlot(slots, b.MatchID, b.HostID)
		res, err := m.dir.ReserveBackfill(ctx, slot, b.Team, b.Players)
		if err != nil {
			pr.AllocationFailures++
			continue
		}
		work = append(work, &pending{res: res, tickets: []MatchedTicket{{ID: b.TicketID, Index: b.Index, Team: b.Team, Players: b.Players}}})
	}
	for _, pm := range out.Matches {
		if ctx.Err() != nil {
			break
		}
		res, err := m.dir.Allocate(ctx, AllocationRequest{Mode: name, Region: pm.Region, Seats: mc.MaxPlayers})
		if err != nil {
			pr.AllocationFailures++
			m.opts.Logger.Debug("matchmaking: no host for a match", "mode", name, "region", pm.Region, "err", err)
			continue
		}
		work = append(work, &pending{res: res, tickets: pm.Tickets})
	}

	// Sign the tokens, in parallel: it is most of a busy pass's cost.
	m.signAll(work, tickets, now)

	// From here on, seats are reserved: committing, telling the hosts and
	// releasing what did not commit must not stop half way because the
	// matchmaker is shutting down (its context ends), or players would
	// hold tokens for matches their host never heard of.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()

	// Commit, in order; a match whose ticket left the queue meanwhile
	// gives its seats back.
	for _, w := range work {
		err := w.err
		if err == nil {
			indexes := make([]int, len(w.tickets))
			for i, mt := range w.tickets {
				indexes[i] = mt.Index
			}
			err = finish(w.recs, indexes)
		}
		if err != nil {
			m.release(ctx, w.res, err, &pr, &errs)
			continue
		}
		if w.res.Backfill {
			pr.Backfills++
		} else {
			pr.Matches++
		}
		hooks = append(hooks, m.hook(w.res, name, w.players, now))
	}

	// The host learns of its new players before they do, so a player
	// never arrives at a host that has not heard of its match.
	if m.opts.OnAssign != nil {
		for _, h := range hooks {
			m.opts.OnAssign(h)
		}
	}
	if m.opts.Assignments != nil {
		for _, h := range hooks {
			if err := m.opts.Assignments.Publish(ctx, h.HostID, h); err != nil {
				errs = append(errs, fmt.Errorf("matchmaking: publish match %s to host %s: %w", h.MatchID, h.HostID, err))
			}
		}
	}

	m.mu.Lock()
	ps := m.pools[name]
	ps.matches += uint64(pr.Matches)
	ps.backfills += uint64(pr.Backfills)
	ps.timedOut += uint64(pr.TimedOut)
	ps.failed += uint64(pr.Failed)
	ps.allocFailures += uint64(pr.AllocationFailures)
	var gone []bool
	if m.watched[name] > 0 {
		gone = make([]bool, len(tickets))
	}
	for _, c := range done {
		if c.rec.State == StateAssigned {
			ps.assigned++
			ps.tokens += uint64(c.rec.Ticket.Size())
			ps.addWait(max(now.Sub(c.rec.Ticket.CreatedAt), 0))
		}
		m.notifyLocked(c.rec, now)
		if gone != nil {
			gone[c.index] = true
		}
	}
	if pr.Matches+pr.Backfills > 0 {
		ps.refresh()
	}
	if gone != nil {
		m.pushPositionsLocked(tickets, gone, now)
	}
	m.mu.Unlock()
	return pr, errors.Join(errs...)
}

// pending is a reserved match or backfill waiting for its tokens and its
// commit.
type pending struct {
	res     Reservation
	tickets []MatchedTicket
	recs    []Record
	players []AssignedPlayer
	err     error
}

// signAll builds the assigned records of the pending work, with a token
// per player, on up to Options.Workers goroutines.
func (m *Matchmaker) signAll(work []*pending, tickets []Ticket, now time.Time) {
	next := atomic.Int64{}
	run := func() {
		for {
			i := int(next.Add(1)) - 1
			if i >= len(work) {
				return
			}
			w := work[i]
			w.recs = make([]Record, 0, len(w.tickets))
			for _, mt := range w.tickets {
				rec, ps, err := m.assign(w.res, &tickets[mt.Index], mt.Team, now)
				if err != nil {
					w.err = err
					break
				}
				w.recs, w.players = append(w.recs, rec), append(w.players, ps...)
			}
		}
	}
	workers := min(m.opts.Workers, len(work))
	var wg sync.WaitGroup
	for range workers - 1 {
		wg.Go(run)
	}
	run()
	wg.Wait()
}

// assign builds the assigned record of a ticket placed by a reservation,
// with a token per player.
func (m *Matchmaker) assign(res Reservation, t *Ticket, team int, now time.Time) (Record, []AssignedPlayer, error) {
	exp := now.Add(m.opts.TokenTTL)
	a := &Assignment{
		MatchID: res.MatchID, HostID: res.HostID, HostURL: res.HostURL, Region: res.Region,
		Team: team, Backfill: res.Backfill, Tokens: make([]PlayerToken, 0, len(t.Players)),
		ExpiresAt: exp.Truncate(time.Second),
	}
	players := make([]AssignedPlayer, 0, len(t.Players))
	for _, p := range t.Players {
		tok, c, err := m.signer.Issue(p.ID, res.MatchID, res.HostID, exp)
		if err != nil {
			return Record{}, nil, err
		}
		a.Tokens = append(a.Tokens, PlayerToken{PlayerID: p.ID, Token: tok})
		players = append(players, AssignedPlayer{TicketID: t.ID, PlayerID: p.ID, Name: p.Name, Team: team, Skill: t.Skill, Nonce: c.Nonce})
	}
	return Record{Ticket: *t, State: StateAssigned, Assignment: a, FinishedAt: now}, players, nil
}

// release gives back the seats of a match or backfill that was not
// committed, counting why.
func (m *Matchmaker) release(ctx context.Context, res Reservation, cause error, pr *PoolReport, errs *[]error) {
	if errors.Is(cause, ErrNotQueued) || errors.Is(cause, ErrTicketNotFound) {
		pr.Conflicts++
	} else {
		*errs = append(*errs, cause)
	}
	if err := m.dir.Release(ctx, res); err != nil && !errors.Is(err, ErrHostNotFound) {
		*errs = append(*errs, err)
	}
}

func (m *Matchmaker) hook(res Reservation, mode string, players []AssignedPlayer, now time.Time) MatchAssignment {
	return MatchAssignment{
		MatchID: res.MatchID, HostID: res.HostID, HostURL: res.HostURL, Mode: mode, Region: res.Region,
		Backfill: res.Backfill, Players: players, ExpiresAt: now.Add(m.opts.TokenTTL).Truncate(time.Second),
	}
}

func findSlot(slots []BackfillSlot, matchID, hostID string) BackfillSlot {
	for _, s := range slots {
		if s.MatchID == matchID && s.HostID == hostID {
			return s
		}
	}
	return BackfillSlot{MatchID: matchID, HostID: hostID}
}
