package admission

import (
	"errors"
	"fmt"
	"sync"

	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/match"
)

// Watch hands a spectator to the running match sp names. Spectators take
// no seat, so no join token is needed: what they see is delayed
// (match.Options.SpectateDelay). With identities, sp.Token must be a
// verified identity token, as a player's Hello must carry (4007
// otherwise). Options.MaxSpectatorsPerIP caps the spectators of one
// address. Every accepted spectator must be let go with Unwatch.
func (a *Admission) Watch(sp protocol.Spectate, peer match.Spectator, cancel <-chan struct{}) (*match.Match, error) {
	if a.opts.Identities != nil {
		if _, err := a.verifyIdentity(sp.Token); err != nil {
			return nil, err
		}
	}
	m := a.reg.Find(sp.Match)
	if m == nil {
		return nil, protocol.Refuse(protocol.CloseUnknownMatch, "no match %s runs on this host", sp.Match)
	}
	addr := spectatorAddr(peer)
	if !a.watchers.take(addr, a.opts.MaxSpectatorsPerIP) {
		return nil, protocol.Refuse(protocol.CloseTryAgainLater, "too many spectators from your address: stop watching a match first")
	}
	err := m.Spectate(match.SpectateRequest{Spectator: peer, Cancel: cancel})
	if err != nil {
		a.watchers.give(addr)
	}
	switch {
	case err == nil:
		return m, nil
	case errors.Is(err, match.ErrNoSpectators):
		return nil, protocol.Refuse(protocol.CloseUnknownMatch, "match %s takes no spectators", sp.Match)
	case errors.Is(err, match.ErrSpectatorsFull):
		return nil, protocol.Refuse(protocol.CloseTryAgainLater, "match %s has as many spectators as it takes", sp.Match)
	case errors.Is(err, match.ErrEnded):
		return nil, protocol.Refuse(protocol.CloseUnknownMatch, "match %s has ended", sp.Match)
	}
	return nil, fmt.Errorf("admission: spectate %s: %w", sp.Match, err)
}

// Unwatch lets go of a spectator Watch accepted into m, once its
// connection has ended. Call it once per accepted spectator.
func (a *Admission) Unwatch(m *match.Match, peer match.Spectator) {
	// The address's count first: once the match no longer counts the
	// spectator, its address may watch again.
	a.watchers.give(spectatorAddr(peer))
	m.Unspectate(peer)
}

// spectatorAddr is the address a spectator connected from, "" when its
// transport does not say (not capped).
func spectatorAddr(s match.Spectator) string {
	if a, ok := s.(Addressed); ok {
		return a.RemoteIP()
	}
	return ""
}

// watchersByAddr counts the spectators of each client address.
type watchersByAddr struct {
	mu sync.Mutex
	n  map[string]int
}

// take counts one more spectator from addr, unless it has limit already
// (limit <= 0 or no address: no cap).
func (w *watchersByAddr) take(addr string, limit int) bool {
	if limit <= 0 || addr == "" {
		return true
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.n[addr] >= limit {
		return false
	}
	if w.n == nil {
		w.n = map[string]int{}
	}
	w.n[addr]++
	return true
}

// give counts one spectator from addr less.
func (w *watchersByAddr) give(addr string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if n, ok := w.n[addr]; ok {
		if n <= 1 {
			delete(w.n, addr)
		} else {
			w.n[addr] = n - 1
		}
	}
}
