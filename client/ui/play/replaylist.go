package play

import (
	"github.com/skirmishgg/skirmish/client/clientnet"
)

// ReplayList is the menu's list of the recordings the server shares (GET
// /replays/: at most 1000, newest first), to pick one to watch. Its error
// wraps clientnet.ErrNotShared when the server keeps them to itself.
type ReplayList = Listing[clientnet.ReplayInfo]

// OpenReplayList starts fetching the recordings of the menu's server.
func (m *Machine) OpenReplayList() *ReplayList {
	return openListing(m, clientnet.ListReplays)
}

// ReplayURL is the address of the menu's server's recording name, for
// the replay viewer.
func (m *Machine) ReplayURL(name string) (string, error) {
	u, err := NormalizeURL(m.Server)
	if err != nil {
		return "", err
	}
	return clientnet.ReplayURL(u, name)
}
