package server

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"slices"
	"time"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/protocol"
)

// errUnknownResume means a resume token names no seat: unknown or
// expired.
var errUnknownResume = errors.New("server: unknown or expired resume token")

// heldSeat is the place of a player whose connection dropped: the player
// stays in the world, standing still, until it resumes or the grace period
// ends.
type heldSeat struct {
	player   game.PlayerID
	name     string
	nonce    string // of the join token, when the seat came from one
	deadline time.Time
}

// newResumeToken returns an unguessable token for one seat.
func newResumeToken() string {
	var b [18]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// holdSeat keeps a dropped player's seat for the grace period. Loop only.
func (m *Match) holdSeat(s *session) {
	m.held[s.resume] = &heldSeat{
		player:   s.player,
		name:     s.name,
		nonce:    s.nonce,
		deadline: m.opts.Clock.Now().Add(m.opts.ResumeGrace),
	}
}

// resumeSession gives a held seat back to a new connection: same player,
// same place in the world, a full snapshot to start from. Loop only.
//
// When the seat's player is still connected as far as the match knows (its
// old connection dropped without the server noticing yet, as after a
// network change), the newest connection takes the seat: the old one is
// closed with 4006.
func (m *Match) resumeSession(s *session) {
	if _, held := m.held[s.resume]; !held {
		if i := slices.IndexFunc(m.sessions, func(o *session) bool { return o.resume == s.resume }); i >= 0 {
			old := m.sessions[i]
			m.removeSession(old, true)
			old.closeAfterQueued(protocol.CloseReplaced, "replaced: the seat was resumed by a newer connection")
		}
	}
	h, ok := m.held[s.resume]
	if !ok {
		s.joined <- errUnknownResume
		return
	}
	delete(m.held, s.resume)
	s.player, s.name, s.nonce = h.player, h.name, h.nonce
	m.welcome(s)
	m.sessions = append(m.sessions, s)
	s.joined <- nil
}

// expireHeldSeats frees the seats whose grace period is over. Loop only.
func (m *Match) expireHeldSeats(now time.Time) {
	for token, h := range m.held {
		if now.After(h.deadline) {
			delete(m.held, token)
			m.freeSeat(h.player, token, h.nonce)
		}
	}
}
