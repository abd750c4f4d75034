package play

import (
	"github.com/skirmishgg/skirmish/client/clientnet"
)

// WatchList is the menu's list of the server's running matches (GET
// /v1/matches: at most 100, oldest first), to pick one to watch.
type WatchList = Listing[clientnet.MatchInfo]

// OpenWatchList starts fetching the running matches of the menu's server.
func (m *Machine) OpenWatchList() *WatchList {
	return openListing(m, clientnet.ListMatches)
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
