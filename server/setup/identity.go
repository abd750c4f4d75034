package setup

import (
	"fmt"
	"os"
	"time"

	"github.com/skirmishgg/skirmish/server/identity"
)

// IdentityOptions says who players are: guests whose identities the
// matchmaker signs with its token key, and optionally the accounts of the
// game's backend, by their JWTs.
type IdentityOptions struct {
	// JWT, when set, also accepts the backend's JWTs (LoadJWTVerifier).
	JWT *identity.JWTVerifier
	// GuestTTL is how long a guest identity lasts. Default
	// identity.DefaultGuestTTL (a year).
	GuestTTL time.Duration
	// GuestRate is how many guest identities one IP address gets per
	// minute; 0: no limit.
	GuestRate int
}

// DefaultGuestRate is the -guest-rate default: enough for a household or
// a LAN party behind one address, too few to mint identities in bulk.
const DefaultGuestRate = 30

// LoadJWTVerifier reads -auth-jwt-key (a PEM public key or a JWKS file)
// with the issuer and audience a token must name (empty: not checked).
// An empty path is no JWT verifier (nil).
func LoadJWTVerifier(path, issuer, audience string) (*identity.JWTVerifier, error) {
	if path == "" {
		if issuer != "" || audience != "" {
			return nil, fmt.Errorf("-auth-jwt-issuer and -auth-jwt-audience need -auth-jwt-key")
		}
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("JWT key: %w", err)
	}
	v, err := identity.NewJWTVerifier(identity.JWTOptions{Keys: b, Issuer: issuer, Audience: audience, Leeway: 30 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("JWT key %s: %w", path, err)
	}
	return v, nil
}

// LoadGuestIssuer reads the matchmaker's private key file (-token-key),
// which signs guest identities too, under their own domain.
func LoadGuestIssuer(path string, ttl time.Duration) (*identity.Issuer, error) {
	key, err := LoadTokenKey(path)
	if err != nil {
		return nil, err
	}
	return identity.NewIssuer(key, ttl, nil)
}

// LoadIdentityVerifier is a host's: guests verified with the matchmakers'
// public key files (-token-pubkey), and JWTs when jwt is set.
func LoadIdentityVerifier(jwt *identity.JWTVerifier, pubkeyPaths ...string) (*identity.Verifier, error) {
	keys, err := loadPublicKeys(pubkeyPaths)
	if err != nil {
		return nil, err
	}
	return identity.NewVerifier(keys, jwt)
}
