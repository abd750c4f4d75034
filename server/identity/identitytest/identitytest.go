// Package identitytest gives tests identities: a guest issuer and a game
// backend's JWT key, with a Verifier that accepts both, so that a test
// names its players ("ann", "bob") with JWTs or mints random guests.
package identitytest

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/skirmishgg/skirmish/server/identity"
)

// Keys are one test's identity keys.
type Keys struct {
	// GuestKey signs guests (a matchmaker's token key).
	GuestKey ed25519.PrivateKey
	Issuer   *identity.Issuer
	// JWTKey is the backend's signing key; JWTPEM its public key file.
	JWTKey   ed25519.PrivateKey
	JWTPEM   []byte
	Verifier *identity.Verifier
}

// New makes fresh keys.
func New(t testing.TB) *Keys {
	t.Helper()
	_, gk, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return FromGuestKey(t, gk)
}

// FromGuestKey makes keys whose guests are signed with gk (for a server
// whose matchmaker key is gk) and a fresh JWT key.
func FromGuestKey(t testing.TB, gk ed25519.PrivateKey) *Keys {
	t.Helper()
	jpub, jk, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(jpub)
	if err != nil {
		t.Fatal(err)
	}
	k := &Keys{GuestKey: gk, JWTKey: jk, JWTPEM: pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})}
	if k.Issuer, err = identity.NewIssuer(gk, 0, nil); err != nil {
		t.Fatal(err)
	}
	jv, err := identity.NewJWTVerifier(identity.JWTOptions{Keys: k.JWTPEM})
	if err != nil {
		t.Fatal(err)
	}
	if k.Verifier, err = identity.NewVerifier([]ed25519.PublicKey{k.Issuer.PublicKey()}, jv); err != nil {
		t.Fatal(err)
	}
	return k
}

// JWT is a backend's token for player, valid for an hour.
func (k *Keys) JWT(t testing.TB, player string) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodEdDSA, jwt.MapClaims{"sub": player, "exp": time.Now().Add(time.Hour).Unix()}).SignedString(k.JWTKey)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Guest mints a guest identity: its player ID and token.
func (k *Keys) Guest(t testing.TB) (player, token string) {
	t.Helper()
	id, tok, err := k.Issuer.Guest(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return id.Player, tok
}
