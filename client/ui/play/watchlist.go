package play

import (
	"context"
	"time"

	"github.com/skirmishgg/skirmish/client/clientnet"
)

// WatchList is the menu's list of the server's running matches, to pick
// one to watch, fetched in the background (GET /v1/matches).
type WatchList struct {
	done    chan struct{}
	matches []clientnet.MatchInfo // set before done is closed
	err     error
}

// OpenWatchList starts fetching the running matches of the menu's server.
// A server field that is not an address gives a list that failed at once.
func (m *Machine) OpenWatchList() *WatchList {
	w := &WatchList{done: make(chan struct{})}
	u, err := NormalizeURL(m.Server)
	if err != nil {
		w.err = err
		close(w.done)
		return w
	}
	go func() {
		defer close(w.done)
		ctx, cancel := context.WithTimeout(m.ctx, 5*time.Second)
		defer cancel()
		w.matches, w.err = clientnet.ListMatches(ctx, u)
	}()
	return w
}

// Ready reports whether the fetch has ended. It never waits.
func (w *WatchList) Ready() bool {
	select {
	case <-w.done:
		return true
	default:
		return false
	}
}

// Result is the list (at most 100 matches, oldest first) or why it could
// not be read; call it once Ready.
func (w *WatchList) Result() ([]clientnet.MatchInfo, error) {
	<-w.done
	return w.matches, w.err
}

// Spectate watches the running match id (AnyMatch: the busiest), from the
// menu or the results. It reports false, with Err set, when the server
// field is not valid.
func (m *Machine) Spectate(id string) bool {
	if m.phase != PhaseMenu && m.phase != PhaseResults {
		return false
	}
	m.base.Spectate = id
	if !m.Play() {
		m.base.Spectate = ""
		return false
	}
	return true
}
