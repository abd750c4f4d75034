package admission

import "github.com/skirmishgg/skirmish/server/match"

// Addressed is a Peer that knows the network address its player connected
// from (the WebSocket session does). Direct placement caps the seats one
// address holds by it; a peer without one is not capped.
type Addressed interface {
	RemoteIP() string
}

func addrOf(p match.Peer) string {
	if a, ok := p.(Addressed); ok {
		return a.RemoteIP()
	}
	return ""
}
