// Package admission is the host's door: it decides which seat a player who
// said Hello takes. With identities, Hello must carry a verified identity
// token, which the join token must name and which alone resumes its seat. With matchmaking, a player must carry a join token the
// matchmaker signed: it names the match and keys the seat the matchmaker
// reserved, and the same token takes the seat back after a drop. Without,
// a player is placed in the first match with a free seat and gets a resume
// token for it. Every refusal is a protocol.CloseError that tells the
// client why.
package admission

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/skirmishgg/skirmish/matchmaking"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/clock"
	"github.com/skirmishgg/skirmish/server/identity"
	"github.com/skirmishgg/skirmish/server/match"
	"github.com/skirmishgg/skirmish/server/registry"
)

// Options configures an Admission.
type Options struct {
	// Tokens, when set, admits players only with a join token it verifies
	// (matchmaking). Default nil: anyone may join, into the first match
	// with a free seat.
	Tokens *matchmaking.TokenVerifier
	// Identities, when set, admits only players whose Hello carries an
	// identity token it verifies (4007 otherwise): a join token must name
	// that identity's player, and a seat is resumed only by the identity
	// that took it. Default nil: identities are not checked.
	Identities *identity.Verifier
	// Clock tells whether a join token has expired. Default clock.System.
	Clock clock.Clock
	// Lookup, when set, is asked once for a match a join token names that
	// is not running here yet: a host whose assignments arrive over the
	// network reads the ones waiting for it, in case the player came
	// first. Default nil.
	Lookup func(matchID string)
	// MaxSpectatorsPerIP caps the spectators watching at once from one
	// client address, over every match of the host (1013 past it).
	// Default 0: no cap.
	MaxSpectatorsPerIP int
}

// Admission seats players in a registry's matches.
type Admission struct {
	reg      *registry.Registry
	opts     Options
	watchers watchersByAddr
}

// New returns the admission of reg's matches.
func New(reg *registry.Registry, opts Options) *Admission {
	if opts.Clock == nil {
		opts.Clock = clock.System{}
	}
	return &Admission{reg: reg, opts: opts}
}

// Admit seats the player who sent hello (hello.Resume carries its join or
// resume token) on peer, waiting for the match to take it.
func (a *Admission) Admit(hello protocol.Hello, peer match.Peer, cancel <-chan struct{}) (*match.Match, *match.Player, error) {
	req := match.JoinRequest{Name: hello.Name, Peer: peer, Cancel: cancel}
	if a.opts.Identities != nil {
		id, err := a.verifyIdentity(hello.Identity)
		if err != nil {
			return nil, nil, err
		}
		req.Identity = id.Player
	}
	switch {
	case a.opts.Tokens != nil && hello.Resume == "":
		return nil, nil, protocol.Refuse(protocol.CloseBadToken, "a join token is required: queue with the matchmaker first")
	case a.opts.Tokens != nil:
		return a.withToken(hello.Resume, req)
	case hello.Resume != "":
		return a.resume(hello.Resume, req)
	}
	return a.place(req)
}

// verifyIdentity checks an identity token of a Hello or a Spectate: a
// refusal is 4007, for players and spectators alike.
func (a *Admission) verifyIdentity(token string) (identity.Identity, error) {
	id, err := a.opts.Identities.Verify(token, a.opts.Clock.Now())
	if errors.Is(err, identity.ErrMissing) {
		return id, protocol.Refuse(protocol.CloseBadIdentity, "identity required: get one with POST /v1/auth/guest")
	}
	if err != nil {
		return id, protocol.Refuse(protocol.CloseBadIdentity, "identity refused: %v", err)
	}
	return id, nil
}

// withToken seats a player in the match its join token names: in the seat
// reserved for it, in a free seat when the reservation lapsed (a late
// backfill), or back in its own seat after a drop.
func (a *Admission) withToken(token string, req match.JoinRequest) (*match.Match, *match.Player, error) {
	c, err := a.opts.Tokens.Signed(token)
	if err != nil {
		return nil, nil, refuseToken("%v", err)
	}
	fresh := a.opts.Clock.Now().Before(c.ExpiresAt)
	m := a.reg.Find(c.MatchID)
	if m == nil && a.opts.Lookup != nil && fresh {
		a.opts.Lookup(c.MatchID)
		m = a.reg.Find(c.MatchID)
	}
	if m == nil {
		return nil, nil, refuseToken("match %s is not running on this host", c.MatchID)
	}
	if a.opts.Identities != nil && c.PlayerID != req.Identity {
		return nil, nil, refuseToken("it was issued to another player than this identity")
	}
	req.Key, req.ResumeToken, req.Identity = c.Nonce, token, c.PlayerID
	req.Fresh = fresh
	req.ReserveIfNone, req.SpentUntil = true, c.ExpiresAt
	if req.Name == "" {
		req.Name = c.PlayerID
	}
	p, err := m.Join(req)
	switch {
	case err == nil:
		return m, p, nil
	case errors.Is(err, match.ErrKeyExpired):
		return nil, nil, refuseToken("%v", matchmaking.ErrTokenExpired)
	case errors.Is(err, match.ErrWrongIdentity):
		return nil, nil, refuseToken("its seat belongs to another identity")
	case errors.Is(err, match.ErrSeatSpent), errors.Is(err, match.ErrUnknownSeat):
		// Unknown: its player was closed for abuse and the seat freed.
		return nil, nil, refuseToken("%v", matchmaking.ErrTokenReused)
	case errors.Is(err, match.ErrFull):
		return nil, nil, refuseToken("match %s is full", c.MatchID)
	}
	return nil, nil, a.refuse(err)
}

func refuseToken(format string, args ...any) error {
	return protocol.Refuse(protocol.CloseBadToken, "join token refused: "+format, args...)
}

// resume gives a dropped player's seat back, by the resume token of its
// Welcome.
func (a *Admission) resume(token string, req match.JoinRequest) (*match.Match, *match.Player, error) {
	matchID, key, ok := parseResumeToken(token)
	var m *match.Match
	if ok {
		m = a.reg.Find(matchID)
	}
	if m == nil {
		return nil, nil, refuseResume()
	}
	req.Key, req.ResumeToken = key, token
	p, err := m.Join(req)
	switch {
	case err == nil:
		return m, p, nil
	case errors.Is(err, match.ErrUnknownSeat), errors.Is(err, match.ErrKeyExpired):
		return nil, nil, refuseResume()
	case errors.Is(err, match.ErrWrongIdentity):
		return nil, nil, protocol.Refuse(protocol.CloseBadResume, "resume token refused: the seat belongs to another identity")
	}
	return nil, nil, a.refuse(err)
}

func refuseResume() error {
	return protocol.Refuse(protocol.CloseBadResume, "unknown or expired resume token")
}

// place seats a player without a token in the first match with a free
// seat. A match that ends just as the player arrives is retried with
// another.
func (a *Admission) place(req match.JoinRequest) (*match.Match, *match.Player, error) {
	var err error
	for range 3 {
		key := newSeatKey()
		var m *match.Match
		m, err = a.reg.Place(key, addrOf(req.Peer))
		if err != nil {
			break
		}
		req.Key, req.ResumeToken, req.Fresh = key, m.ID()+"."+key, true
		var p *match.Player
		if p, err = m.Join(req); err == nil {
			return m, p, nil
		}
		if !errors.Is(err, match.ErrEnded) {
			break
		}
	}
	return nil, nil, a.refuse(err)
}

// refuse turns a failure that is not the player's fault into a close.
func (a *Admission) refuse(err error) error {
	switch {
	case errors.Is(err, registry.ErrClosed), a.reg.Closed():
		return fmt.Errorf("%w: %w", protocol.Refuse(protocol.CloseGoingAway, "server shutting down"), err)
	case errors.Is(err, registry.ErrDraining):
		return fmt.Errorf("%w: %w", protocol.Refuse(protocol.CloseGoingAway, "server draining: it takes no new players"), err)
	case errors.Is(err, match.ErrGone):
		return err // nobody is left to tell
	case errors.Is(err, registry.ErrCapacity):
		return fmt.Errorf("%w: %w", protocol.Refuse(protocol.CloseTryAgainLater, "server full: every seat is taken"), err)
	case errors.Is(err, registry.ErrAddrSeats):
		return fmt.Errorf("%w: %w", protocol.Refuse(protocol.CloseTryAgainLater, "too many seats held from your address: leave a match first"), err)
	}
	return fmt.Errorf("%w: %w", protocol.Refuse(protocol.CloseTryAgainLater, "no match could take the player"), err)
}

// newSeatKey returns an unguessable key for one directly placed seat.
func newSeatKey() string {
	var b [18]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// parseResumeToken splits a resume token, MATCH.KEY, into its match and
// seat key.
func parseResumeToken(token string) (matchID, key string, ok bool) {
	i := strings.LastIndexByte(token, '.')
	if i <= 0 || i == len(token)-1 || len(token) > 256 {
		return "", "", false
	}
	return token[:i], token[i+1:], true
}
