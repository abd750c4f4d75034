package identity_test

import (
	"crypto/ed25519"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/skirmishgg/skirmish/server/identity"
)

// The cost an identity adds to a Hello or a Queue: one Verify each (the
// tick never verifies anything).

func BenchmarkIssueGuest(b *testing.B) {
	iss := newIssuer(&testing.T{})
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := iss.Guest(now); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyGuest(b *testing.B) {
	iss := newIssuer(&testing.T{})
	_, tok, _ := iss.Guest(now)
	v, _ := identity.NewVerifier([]ed25519.PublicKey{iss.PublicKey()}, nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(tok, now); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyJWT(b *testing.B) {
	kps := newKeyPairs(&testing.T{})
	for _, alg := range []string{"RS256", "ES256", "EdDSA"} {
		b.Run(alg, func(b *testing.B) {
			kp := kps[alg]
			jv, err := identity.NewJWTVerifier(identity.JWTOptions{Keys: kp.pemPub})
			if err != nil {
				b.Fatal(err)
			}
			v, _ := identity.NewVerifier(nil, jv)
			tok := sign(&testing.T{}, kp, "", jwt.MapClaims{"sub": "acct-42", "exp": now.Add(time.Hour).Unix()})
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Verify(tok, now); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
