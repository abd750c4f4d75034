package matchmaking

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/skirmishgg/skirmish/matchmaking/signed"
)

// A join token is base64url(payload) "." base64url(signature), unpadded.
// The payload is a small JSON object; the Ed25519 signature covers
// tokenDomain followed by the payload's base64url text, so a signature made
// for something else never verifies as a token.
const (
	tokenDomain  = "skirmish-join-v1."
	tokenVersion = 1
	maxTokenLen  = 2048
	nonceBytes   = 16
)

// Claims is what a join token says: this player may take one seat in this
// match on this host until ExpiresAt. Nonce makes the token unique: the
// host keys the seat by it and lets the token take it once.
type Claims struct {
	PlayerID  string    `json:"player_id"`
	MatchID   string    `json:"match_id"`
	HostID    string    `json:"host_id"`
	ExpiresAt time.Time `json:"expires_at"` // whole seconds
	Nonce     string    `json:"nonce"`
}

// tokenPayload is the signed JSON, with short keys.
type tokenPayload struct {
	V int    `json:"v"`
	P string `json:"p"`
	M string `json:"m"`
	H string `json:"h,omitempty"`
	E int64  `json:"e"`
	N string `json:"n"`
}

// TokenSigner issues join tokens with the matchmaker's private key.
// It is safe for concurrent use.
type TokenSigner struct {
	key    ed25519.PrivateKey
	randMu sync.Mutex // the reader need not be safe for concurrent use
	rand   io.Reader
}

// NewTokenSigner signs with key; random (default crypto/rand.Reader)
// makes nonces.
func NewTokenSigner(key ed25519.PrivateKey, random io.Reader) (*TokenSigner, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("matchmaking: token key of %d bytes, want %d", len(key), ed25519.PrivateKeySize)
	}
	if random == nil {
		random = rand.Reader
	}
	return &TokenSigner{key: key, rand: random}, nil
}

// GenerateTokenSigner makes a signer with a fresh key from random (default
// crypto/rand.Reader): the embedded default, where the host is in the same
// process and gets the public key directly.
func GenerateTokenSigner(random io.Reader) (*TokenSigner, error) {
	if random == nil {
		random = rand.Reader
	}
	_, key, err := ed25519.GenerateKey(random)
	if err != nil {
		return nil, fmt.Errorf("matchmaking: token key: %w", err)
	}
	return NewTokenSigner(key, random)
}

// PublicKey is what hosts verify tokens with.
func (s *TokenSigner) PublicKey() ed25519.PublicKey { return s.key.Public().(ed25519.PublicKey) }

// Verifier returns a verifier for this signer's tokens.
func (s *TokenSigner) Verifier() *TokenVerifier {
	return &TokenVerifier{keys: []ed25519.PublicKey{s.PublicKey()}}
}

// Issue signs a token for one player's seat, valid until expires (rounded
// down to the second), with a fresh nonce.
func (s *TokenSigner) Issue(playerID, matchID, hostID string, expires time.Time) (string, Claims, error) {
	if playerID == "" || matchID == "" {
		return "", Claims{}, fmt.Errorf("matchmaking: a token needs a player and a match")
	}
	var nonce [nonceBytes]byte
	s.randMu.Lock()
	_, err := io.ReadFull(s.rand, nonce[:])
	s.randMu.Unlock()
	if err != nil {
		return "", Claims{}, fmt.Errorf("matchmaking: token nonce: %w", err)
	}
	p := tokenPayload{V: tokenVersion, P: playerID, M: matchID, H: hostID, E: expires.Unix(),
		N: base64.RawURLEncoding.EncodeToString(nonce[:])}
	tok, err := signed.Seal(s.key, tokenDomain, p)
	if err != nil {
		return "", Claims{}, fmt.Errorf("matchmaking: token: %w", err)
	}
	return tok, p.claims(), nil
}

func (p *tokenPayload) claims() Claims {
	return Claims{PlayerID: p.P, MatchID: p.M, HostID: p.H, ExpiresAt: time.Unix(p.E, 0).UTC(), Nonce: p.N}
}

// TokenVerifier checks join tokens with the matchmaker's public keys (more
// than one while a key rotates). It is safe for concurrent use.
type TokenVerifier struct {
	keys []ed25519.PublicKey
}

// NewTokenVerifier accepts tokens signed by any of keys.
func NewTokenVerifier(keys ...ed25519.PublicKey) (*TokenVerifier, error) {
	if len(keys) == 0 {
		return nil, fmt.Errorf("matchmaking: a token verifier needs a key")
	}
	for _, k := range keys {
		if len(k) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("matchmaking: public key of %d bytes, want %d", len(k), ed25519.PublicKeySize)
		}
	}
	return &TokenVerifier{keys: append([]ed25519.PublicKey(nil), keys...)}, nil
}

// Verify checks a token for the match the host expects, at now, and
// returns its claims. Its errors wrap, checked in this order:
// ErrTokenMalformed (not a token), ErrTokenBadSignature (another key
// signed it, or it was changed), ErrTokenExpired, ErrTokenWrongMatch.
func (v *TokenVerifier) Verify(token, matchID string, now time.Time) (Claims, error) {
	c, err := v.Signed(token)
	if err != nil {
		return Claims{}, err
	}
	if !now.Before(c.ExpiresAt) {
		return Claims{}, fmt.Errorf("%w: at %s, now %s", ErrTokenExpired, c.ExpiresAt.Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	if err := c.forMatch(matchID); err != nil {
		return Claims{}, err
	}
	return c, nil
}

func (c *Claims) forMatch(matchID string) error {
	if c.MatchID != matchID {
		return fmt.Errorf("%w: token for %s, this is %s", ErrTokenWrongMatch, c.MatchID, matchID)
	}
	return nil
}

// Signed parses a token and checks its signature and fields, but not its
// expiry or match: a host that resumes a seat taken with the token checks
// those against the seat (a seat held for a dropped player outlives the
// token). It fails with ErrTokenMalformed or ErrTokenBadSignature.
func (v *TokenVerifier) Signed(token string) (Claims, error) {
	if len(token) > maxTokenLen {
		return Claims{}, fmt.Errorf("%w: %d bytes", ErrTokenMalformed, len(token))
	}
	var p tokenPayload
	switch err := signed.Open(v.keys, tokenDomain, token, &p); {
	case errors.Is(err, signed.ErrBadSignature):
		return Claims{}, ErrTokenBadSignature
	case err != nil:
		return Claims{}, fmt.Errorf("%w: %w", ErrTokenMalformed, err)
	}
	if p.V != tokenVersion || p.P == "" || p.M == "" || p.N == "" || p.E <= 0 {
		return Claims{}, fmt.Errorf("%w: version %d or missing fields", ErrTokenMalformed, p.V)
	}
	return p.claims(), nil
}
