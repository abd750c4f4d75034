package setup

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/matchmaking"
)

// keygen writes a key pair as `skirmish keygen` does and loads its signer.
func keygen(t *testing.T, dir, name string) (*matchmaking.TokenSigner, string) {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := WriteKeyPair(path, rand.Reader); err != nil {
		t.Fatal(err)
	}
	s, err := LoadTokenSigner(path)
	if err != nil {
		t.Fatal(err)
	}
	return s, path + ".pub"
}

// A host lists the new key and the previous one during a rotation: tokens
// of both are accepted, a third key's are not.
func TestKeyFilesRoundTripAndRotate(t *testing.T) {
	dir := t.TempDir()
	old, oldPub := keygen(t, dir, "old")
	cur, curPub := keygen(t, dir, "cur")
	stranger, _ := keygen(t, dir, "stranger")
	if err := WriteKeyPair(filepath.Join(dir, "cur"), rand.Reader); err == nil {
		t.Error("keygen overwrote an existing key")
	}
	v, err := LoadTokenVerifier(curPub, oldPub)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if tok, _, err := stranger.Issue("p", "m", "h", now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	} else if _, err := v.Verify(tok, "m", now); !errors.Is(err, matchmaking.ErrTokenBadSignature) {
		t.Errorf("a token of a key outside the rotation: %v, want a bad signature", err)
	}
	for _, s := range []*matchmaking.TokenSigner{cur, old} {
		tok, _, err := s.Issue("p", "m", "h", now.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := v.Verify(tok, "m", now); err != nil {
			t.Errorf("a token of a key in the rotation refused: %v", err)
		}
	}
}

func TestKeyFilesRefused(t *testing.T) {
	_, pub, err := MarshalKeyPair(ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)))

	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		b    []byte
		pub  bool
	}{
		{"empty private", nil, false},
		{"a public key as the private one", pub, false},
		{"garbage private", []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), false},
		{"empty public", nil, true},
		{"garbage public", []byte("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.pub {
				_, err = ParsePublicKeys(tc.b)
			} else {
				_, err = ParsePrivateKey(tc.b)
			}
			if !errors.Is(err, ErrKeyFile) {
				t.Fatalf("err %v, want ErrKeyFile", err)
			}
		})
	}
}
