package identity

import (
	"crypto/ed25519"
	"fmt"
	"strings"
	"time"
)

// Kind says who vouches for an identity.
type Kind string

const (
	KindGuest Kind = "guest" // issued by the matchmaker
	KindJWT   Kind = "jwt"   // the game backend's JWT
)

// Identity is a verified player.
type Identity struct {
	Player  string // the player ID: a guest's g_… or the JWT's sub
	Kind    Kind
	Expires time.Time
}

// maxPlayerLen matches the matchmaker's limit on player IDs.
const maxPlayerLen = 64

// Verifier checks identity tokens of both kinds. A nil *Verifier refuses
// every token. It is safe for concurrent use.
type Verifier struct {
	guestKeys []ed25519.PublicKey
	jwt       *JWTVerifier
}

// NewVerifier accepts guest tokens signed by any of guestKeys (the
// matchmaker's token keys; more than one while a key rotates) and, when
// jwt is not nil, the backend's JWTs.
func NewVerifier(guestKeys []ed25519.PublicKey, jwt *JWTVerifier) (*Verifier, error) {
	if len(guestKeys) == 0 && jwt == nil {
		return nil, fmt.Errorf("identity: a verifier needs a guest key or a JWT key")
	}
	for _, k := range guestKeys {
		if len(k) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("identity: public key of %d bytes, want %d", len(k), ed25519.PublicKeySize)
		}
	}
	return &Verifier{guestKeys: append([]ed25519.PublicKey(nil), guestKeys...), jwt: jwt}, nil
}

// Verify checks token at now. Errors wrap one of the package's sentinels.
func (v *Verifier) Verify(token string, now time.Time) (Identity, error) {
	switch {
	case token == "":
		return Identity{}, ErrMissing
	case v == nil:
		return Identity{}, fmt.Errorf("%w: no identity keys configured", ErrBadSignature)
	case len(token) > maxTokenLen:
		return Identity{}, fmt.Errorf("%w: %d bytes", ErrMalformed, len(token))
	case strings.HasPrefix(token, guestPrefix):
		return verifyGuest(v.guestKeys, token, now)
	case v.jwt == nil:
		return Identity{}, ErrNoJWT
	}
	return v.jwt.Verify(token, now)
}

// validPlayer reports whether id is usable as a player ID: 1 to 64
// printable ASCII bytes.
func validPlayer(id string) bool {
	if id == "" || len(id) > maxPlayerLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] <= ' ' || id[i] > '~' {
			return false
		}
	}
	return true
}
