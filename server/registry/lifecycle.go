package registry

import (
	"context"
	"errors"
	"fmt"

	"github.com/skirmishgg/skirmish/protocol"
)

// State is where a host is in its life. It shows on /readyz, in the
// metrics and in the matchmaker's directory.
type State string

// A host's states, in order. Only a ready or allocated host takes new
// matches.
const (
	Starting  State = "starting"  // not yet serving
	Ready     State = "ready"     // serving, no match running
	Allocated State = "allocated" // serving, with matches
	Draining  State = "draining"  // no new match or backfill; running ones play to their end
	Stopped   State = "stopped"   // every match has ended
)

// States lists every State, in order.
func States() []State { return []State{Starting, Ready, Allocated, Draining, Stopped} }

// Takes reports whether a host in this state takes new matches.
func (s State) Takes() bool { return s == Ready || s == Allocated }

// ErrDraining is returned for new matches and players while the host
// drains.
var ErrDraining = errors.New("registry: the host is draining")

// drainReason is what a player of a match ended at the drain deadline
// reads in its MatchEnd.
const drainReason = "host_draining"

// State returns the host's lifecycle state.
func (r *Registry) State() State {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stateLocked()
}

func (r *Registry) stateLocked() State {
	switch {
	case r.closed:
		return Stopped
	case r.draining && len(r.entries) == 0:
		return Stopped
	case r.draining:
		return Draining
	case !r.ready:
		return Starting
	case len(r.entries) > 0:
		return Allocated
	}
	return Ready
}

// MarkReady says the host serves: it takes matches from now on.
func (r *Registry) MarkReady() {
	r.mu.Lock()
	r.ready = true
	r.noteStateLocked()
	r.mu.Unlock()
}

// noteStateLocked logs the host's lifecycle state when it changed since
// the last line. r.mu is held.
func (r *Registry) noteStateLocked() {
	st := r.stateLocked()
	if st == r.logged {
		return
	}
	r.opts.Logger.Info("host state", "state", string(st), "was", string(r.logged), "matches", len(r.entries))
	r.logged = st
}

// BeginDrain stops taking new matches and players, at once; Drain waits
// for the running ones. A match with nobody in it (nor on the way, nor
// held for a resume) ends at once rather than waiting for newcomers who
// can no longer come. Idempotent.
func (r *Registry) BeginDrain() {
	r.mu.Lock()
	r.draining = true
	for _, e := range r.entries {
		e.m.EndWhenEmpty()
	}
	r.noteStateLocked()
	r.mu.Unlock()
}

// Drain stops taking new matches and players and waits for the running
// matches to end. When ctx ends first, the matches still running are ended
// with their standings as results (a MatchEnd with reason "host_draining",
// then 1001), and Drain waits for them. It returns ctx's error in that
// case, nil when every match ended on its own.
func (r *Registry) Drain(ctx context.Context) error {
	r.BeginDrain()
	if r.wait(ctx) == nil {
		r.opts.Logger.Info("host drained")
		return nil
	}
	r.mu.Lock()
	for _, e := range r.entries {
		e.m.End(drainReason, protocol.CloseGoingAway, "the server is shutting down: the match ended early and its results were kept")
	}
	left := len(r.entries)
	r.mu.Unlock()
	r.opts.Logger.Warn("drain deadline: ending the matches still running", "matches", left)
	r.wg.Wait()
	if left == 0 {
		return nil // the last ones ended on their own meanwhile
	}
	return fmt.Errorf("registry: drain: %d matches ended at the deadline: %w", left, ctx.Err())
}

// wait waits until every match loop has ended or ctx is done.
func (r *Registry) wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		r.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
