package match

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/protocol"
)

// JoinRequest asks a match to seat a connected player.
type JoinRequest struct {
	// Key names the seat: the join token's nonce, or a direct player's
	// resume token. A reserved seat is claimed, a held one resumed, and a
	// claimed one taken over (the older connection is closed with 4006).
	Key string
	// Fresh says the key may claim a reserved seat, or reserve one: its
	// join token has not expired. A held or claimed seat is resumed
	// either way, within its grace period.
	Fresh bool
	// ReserveIfNone reserves a seat for a key that has none, if one is
	// free: a player the matchmaker sent to backfill after the seat's
	// reservation lapsed. SpentUntil is then the token's expiry.
	ReserveIfNone bool
	SpentUntil    time.Time
	// ResumeToken is what the player sends back in Hello to take the seat
	// again after a drop; it goes to them in Welcome.
	ResumeToken string
	Name        string
	// Identity is who the player is outside the match (the verified
	// identity's player ID, which a join token names too), for the match's
	// Result. A held or claimed seat is resumed only by the same identity.
	Identity string
	Peer     Peer
	// Cancel is closed when the connection ends: Join stops waiting.
	Cancel <-chan struct{}
}

type joinRequest struct {
	JoinRequest
	answer chan joinAnswer
}

type joinAnswer struct {
	player *Player
	err    error
}

// Join hands a player to the loop and waits for it to be seated, which
// happens at the next tick boundary. The player's Welcome and the roster
// have been queued on its Peer when it returns. It fails with ErrEnded,
// ErrGone (the connection ended before the loop took the request), or a
// seat error (ErrFull, ErrUnknownSeat, ErrSeatSpent, ErrKeyExpired).
func (m *Match) Join(req JoinRequest) (*Player, error) {
	r := &joinRequest{JoinRequest: req, answer: make(chan joinAnswer, 1)}
	select {
	case <-m.done:
		return nil, ErrEnded
	default:
	}
	select {
	case m.joins <- r:
	case <-m.done:
		return nil, ErrEnded
	case <-req.Cancel:
		return nil, ErrGone
	}
	// Once the loop has the request it answers within a tick, and may seat
	// the player: wait for that answer even when the connection ends
	// meanwhile, so a seated player is never lost (the transport then
	// leaves as a drop).
	select {
	case a := <-r.answer:
		return a.player, a.err
	case <-m.done:
		// Every seat is answered by drainControl before the loop ends;
		// a request that arrived after its last drain is answered by
		// nobody, or by exit.
		select {
		case a := <-r.answer:
			return a.player, a.err
		default:
			return nil, ErrEnded
		}
	}
}

// departure is a player leaving the match; a dropped one keeps its seat
// for the grace period.
type departure struct {
	p       *Player
	dropped bool
}

// Leave takes a player out of the match at the next tick boundary. A
// dropped player (the connection broke, rather than being closed on
// purpose) keeps its seat for the grace period. It never blocks past the
// match's end. Any goroutine.
func (m *Match) Leave(p *Player, dropped bool) {
	select {
	case m.leaves <- departure{p, dropped}:
	case <-m.done:
	}
}

// drainControl applies pending joins and leaves at the tick boundary.
func (m *Match) drainControl() {
	for {
		select {
		case r := <-m.joins:
			p, err := m.seat(r)
			r.answer <- joinAnswer{p, err}
		case d := <-m.leaves:
			m.removePlayer(d.p, d.dropped)
		case r := <-m.spec.joins:
			r.answer <- m.addSpectator(r)
		case s := <-m.spec.leaves:
			m.removeSpectator(s)
		default:
			return
		}
	}
}

// seat takes a joining player into its seat: a new player for a reserved
// seat, the same player back for a held or claimed one.
func (m *Match) seat(r *joinRequest) (*Player, error) {
	now := m.opts.Clock.Now()
	s, err := m.seats.lookup(r.Key, r.ReserveIfNone && r.Fresh, now.Add(time.Minute), r.SpentUntil)
	if err == ErrUnknownSeat && r.ReserveIfNone {
		err = ErrKeyExpired
	}
	if err != nil {
		return nil, err
	}
	if s.state != seatReserved && m.known[s.player.id].identity != r.Identity {
		return nil, ErrWrongIdentity // a stolen resume token is not enough
	}
	p := &Player{key: r.Key, peer: r.Peer}
	switch s.state {
	case seatReserved:
		if !r.Fresh {
			return nil, ErrKeyExpired
		}
		id := m.allocPlayerID()
		if err := m.world.AddPlayer(id); err != nil {
			m.seats.release(s)
			return nil, fmt.Errorf("match: the world refused player %d: %w", id, err)
		}
		p.id, p.name = id, cleanName(r.Name, id)
		if rec := m.opts.Recorder; rec != nil {
			rec.Join(id, p.name)
		}
		m.known[id] = who{identity: r.Identity, name: p.name}
		m.seats.claim(s, p)
		p.peer.Joined(m, p)
		m.welcome(p, r.ResumeToken)
		m.players = append(m.players, p)
		m.broadcast((&protocol.Join{Player: uint32(id), Name: p.name}).Append(nil))
	case seatClaimed:
		old := s.player
		if old.forfeited.Load() {
			// Closed for abuse, its Leave not yet here: the seat goes.
			m.removePlayer(old, false)
			return nil, ErrUnknownSeat
		}
		// Its player is still connected as far as the match knows: its
		// old connection dropped without the server noticing yet, as
		// after a network change. The newest connection takes the seat.
		m.detach(old)
		old.peer.Close(protocol.CloseReplaced, "replaced: the seat was resumed by a newer connection")
		m.resume(s, p, old, r.ResumeToken)
	case seatHeld:
		if s.player.forfeited.Load() {
			m.seats.release(s)
			m.removeFromWorld(s.player.id)
			return nil, ErrUnknownSeat
		}
		m.resume(s, p, s.player, r.ResumeToken)
	}
	return p, nil
}

// resume gives a seat back to a new connection: same player, same place in
// the world; the peer starts from a full snapshot.
func (m *Match) resume(s *seat, p, was *Player, resumeToken string) {
	p.id, p.name, p.resumed = was.id, was.name, true
	m.seats.claim(s, p)
	p.peer.Joined(m, p)
	m.welcome(p, resumeToken)
	m.players = append(m.players, p)
}

// welcome sends a player its Welcome and the roster of the others.
func (m *Match) welcome(p *Player, resumeToken string) {
	w := protocol.Welcome{
		Version:      protocol.Version,
		Player:       uint32(p.id),
		Match:        m.id,
		TickRate:     uint32(m.rules.TickRate()),
		SnapshotRate: uint32(m.snapshotRate),
		Resume:       resumeToken,
		Kinds:        m.schema.Kinds,
		Static:       m.schema.Static,
	}
	p.peer.Send(w.Append(nil))
	for _, o := range m.players {
		p.peer.Send((&protocol.Join{Player: uint32(o.id), Name: o.name}).Append(nil))
	}
	for _, h := range m.seats.heldPlayers(nil) {
		p.peer.Send((&protocol.Join{Player: uint32(h.id), Name: h.name}).Append(nil))
	}
}

// removePlayer takes a departing player off the loop: its seat is held
// for the grace period when it dropped, else released. A player whose seat
// has passed to a newer connection is only detached.
func (m *Match) removePlayer(p *Player, dropped bool) {
	dropped = dropped && !p.forfeited.Load() // closed for abuse: no grace
	if !m.detach(p) {
		return
	}
	s := m.seats.seatOf(p)
	if s == nil {
		return // taken over by a newer connection
	}
	if dropped && m.opts.ResumeGrace > 0 {
		m.seats.hold(s, m.opts.Clock.Now().Add(m.opts.ResumeGrace))
		return
	}
	m.seats.release(s)
	m.removeFromWorld(p.id)
}

// detach takes a player off the list of connected players and lets its
// peer go. It reports whether the player was on it.
func (m *Match) detach(p *Player) bool {
	i := -1
	for j, o := range m.players {
		if o == p {
			i = j
			break
		}
	}
	if i < 0 {
		return false
	}
	m.players = append(m.players[:i], m.players[i+1:]...)
	p.peer.Detach()
	if len(m.players) == 0 {
		m.emptySince = m.opts.Clock.Now()
	}
	return true
}

// removeFromWorld takes a player out of the world for good, once its seat
// is released.
func (m *Match) removeFromWorld(id game.PlayerID) {
	m.world.RemovePlayer(id)
	if r := m.opts.Recorder; r != nil {
		r.Leave(id)
	}
	delete(m.known, id)
	m.broadcast((&protocol.Leave{Player: uint32(id)}).Append(nil))
}

// allocPlayerID returns the next free player ID, wrapping within 1..65535 so
// IDs stay small and are not reused soon after a player leaves.
func (m *Match) allocPlayerID() game.PlayerID {
	for {
		id := m.nextPlayer
		m.nextPlayer++
		if m.nextPlayer > 65535 {
			m.nextPlayer = 1
		}
		if !m.seats.playerIDInUse(id) {
			return id
		}
	}
}

// cleanName makes a display name safe to show: printable, trimmed, bounded.
func cleanName(name string, player game.PlayerID) string {
	name = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return -1
	}, name)
	name = strings.TrimSpace(name)
	if name == "" {
		return fmt.Sprintf("player-%d", player)
	}
	return name
}
