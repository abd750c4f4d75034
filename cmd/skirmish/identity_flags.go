package main

import (
	"flag"
	"fmt"
	"time"

	"github.com/skirmishgg/skirmish/server/identity"
	"github.com/skirmishgg/skirmish/server/setup"
)

// identityFlags say who players are: serve and matchmaker issue guests and
// may verify a backend's JWTs; host verifies both.
type identityFlags struct {
	jwtKey, jwtIssuer, jwtAudience *string
	guestTTL                       *time.Duration
	guestRate                      *int
}

func addIdentityFlags(fs *flag.FlagSet, guests bool) *identityFlags {
	f := &identityFlags{
		jwtKey:      fs.String("auth-jwt-key", "", "also accept the game backend's JWTs as identities: its public key file (PEM: RSA, ECDSA or Ed25519) or JWKS JSON file; sub is the player ID, exp is required"),
		jwtIssuer:   fs.String("auth-jwt-issuer", "", "the iss a backend JWT must carry (empty: not checked)"),
		jwtAudience: fs.String("auth-jwt-audience", "", "the aud a backend JWT must include (empty: not checked)"),
	}
	if guests {
		f.guestTTL = fs.Duration("guest-ttl", identity.DefaultGuestTTL, "how long a guest identity from POST /v1/auth/guest lasts (clients keep and reuse it)")
		f.guestRate = fs.Int("guest-rate", setup.DefaultGuestRate, "guest identities one IP address may get per minute (429 past it); 0: no limit")
	}
	return f
}

// options reads the JWT key and checks the guest flags.
func (f *identityFlags) options() (setup.IdentityOptions, error) {
	jwt, err := setup.LoadJWTVerifier(*f.jwtKey, *f.jwtIssuer, *f.jwtAudience)
	if err != nil {
		return setup.IdentityOptions{}, err
	}
	o := setup.IdentityOptions{JWT: jwt}
	if f.guestTTL != nil {
		if *f.guestTTL < time.Minute {
			return o, fmt.Errorf("-guest-ttl must be at least 1m")
		}
		if *f.guestRate < 0 {
			return o, fmt.Errorf("-guest-rate must be 0 (no limit) or positive")
		}
		o.GuestTTL, o.GuestRate = *f.guestTTL, *f.guestRate
	}
	return o, nil
}
