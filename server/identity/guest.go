package identity

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/skirmishgg/skirmish/matchmaking/signed"
)

// A guest token is "g1." base64url(payload) "." base64url(signature),
// unpadded. The Ed25519 signature covers guestDomain followed by the
// payload's base64url text: join tokens sign under another domain with the
// same key, so neither ever verifies as the other.
const (
	guestPrefix  = "g1."
	guestDomain  = "skirmish-guest-v1."
	guestVersion = 1
	maxTokenLen  = 2048 // protocol.MaxIdentityLen
	// GuestPrefix starts every guest player ID, so that guests are told
	// apart from a backend's accounts at a glance.
	GuestPrefix  = "g_"
	guestIDBytes = 12
)

type guestPayload struct {
	V int    `json:"v"`
	P string `json:"p"`
	E int64  `json:"e"`
}

// Issuer mints guest identities with the matchmaker's private key. It is
// safe for concurrent use.
type Issuer struct {
	key    ed25519.PrivateKey
	ttl    time.Duration
	randMu sync.Mutex
	rand   io.Reader
}

// DefaultGuestTTL is how long a guest identity lasts unless configured:
// long, since a client keeps and reuses it.
const DefaultGuestTTL = 365 * 24 * time.Hour

// NewIssuer signs with key; guests live ttl (default DefaultGuestTTL);
// random (default crypto/rand.Reader) chooses player IDs.
func NewIssuer(key ed25519.PrivateKey, ttl time.Duration, random io.Reader) (*Issuer, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("identity: key of %d bytes, want %d", len(key), ed25519.PrivateKeySize)
	}
	if ttl <= 0 {
		ttl = DefaultGuestTTL
	}
	if random == nil {
		random = rand.Reader
	}
	return &Issuer{key: key, ttl: ttl, rand: random}, nil
}

// PublicKey verifies this issuer's guests.
func (i *Issuer) PublicKey() ed25519.PublicKey { return i.key.Public().(ed25519.PublicKey) }

// Guest issues a new guest identity at now: a random player ID and its
// token.
func (i *Issuer) Guest(now time.Time) (Identity, string, error) {
	var b [guestIDBytes]byte
	i.randMu.Lock()
	_, err := io.ReadFull(i.rand, b[:])
	i.randMu.Unlock()
	if err != nil {
		return Identity{}, "", fmt.Errorf("identity: guest ID: %w", err)
	}
	id := Identity{Player: GuestPrefix + base64.RawURLEncoding.EncodeToString(b[:]), Kind: KindGuest,
		Expires: now.Add(i.ttl).Truncate(time.Second).UTC()}
	return id, i.sign(id), nil
}

// sign makes the token for id.
func (i *Issuer) sign(id Identity) string {
	tok, _ := signed.Seal(i.key, guestDomain, guestPayload{V: guestVersion, P: id.Player, E: id.Expires.Unix()})
	return guestPrefix + tok
}

// verifyGuest checks a guest token against keys at now.
func verifyGuest(keys []ed25519.PublicKey, token string, now time.Time) (Identity, error) {
	var p guestPayload
	switch err := signed.Open(keys, guestDomain, strings.TrimPrefix(token, guestPrefix), &p); {
	case errors.Is(err, signed.ErrBadSignature):
		return Identity{}, ErrBadSignature
	case err != nil:
		return Identity{}, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if p.V != guestVersion || !strings.HasPrefix(p.P, GuestPrefix) || !validPlayer(p.P) || p.E <= 0 {
		return Identity{}, fmt.Errorf("%w: version %d or bad fields", ErrMalformed, p.V)
	}
	exp := time.Unix(p.E, 0).UTC()
	if !now.Before(exp) {
		return Identity{}, fmt.Errorf("%w: at %s", ErrExpired, exp.Format(time.RFC3339))
	}
	return Identity{Player: p.P, Kind: KindGuest, Expires: exp}, nil
}
