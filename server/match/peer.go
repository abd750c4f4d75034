package match

import "github.com/skirmishgg/skirmish/protocol"

// Peer is a player's connection as the match sees it: whatever carries
// views and messages to the player (the WebSocket adapter, or an in-memory
// peer in tests). The match calls it from its loop only, so no method may
// wait: no network I/O, no lock held long by another goroutine, no
// unbounded channel send.
type Peer interface {
	// Joined tells the peer its player's match and place, before anything
	// is sent to it.
	Joined(m *Match, p *Player)
	// Offer hands the peer the newest view of its match and the sequence
	// of the player's last applied input. A peer that keeps the view
	// retains it (View.Retain); one that still holds an older, unsent view
	// replaces it (the player skips a snapshot). It reports whether the
	// peer must be handed to the match's Dispatcher, which the match does
	// for all its peers at once.
	Offer(v *View, lastSeq uint32) bool
	// Queue appends reliable messages that go out, in order, with the next
	// snapshot. A peer too far behind to take them closes itself.
	Queue(msg []byte)
	QueueAll(msgs [][]byte)
	// Send is Queue for a message that should go out now (a Welcome).
	Send(msg []byte)
	// Close closes the connection with code once everything queued before
	// is out: the end of a match, a seat taken over by a newer connection.
	Close(code protocol.CloseCode, reason string)
	// Abort closes the connection now, dropping what is queued: for a
	// client that stopped keeping up, whose seat the match holds.
	Abort(code protocol.CloseCode, reason string)
	// Lagging reports whether the client has not acknowledged any
	// snapshot of the last limit ticks written to it.
	Lagging(limit uint32) bool
	// Detach tells the peer the match let it go: it releases any view it
	// has not sent.
	Detach()
}

// Dispatcher takes the peers that Offer said need writing, all of a
// snapshot tick at once, so that a transport can queue them under one lock.
// It must not wait either.
type Dispatcher interface {
	Dispatch(peers []Peer)
}
