package matchmaking

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"testing"
	"time"
)

func TestKeyFilesRoundTripAndRotate(t *testing.T) {
	old, cur := testSigner(t, 1), testSigner(t, 2)
	priv, pub, err := MarshalKeyPair(cur.key)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ParsePrivateKey(priv)
	if err != nil || !key.Equal(cur.key) {
		t.Fatalf("private key back: %v", err)
	}
	_, oldPub, err := MarshalKeyPair(old.key)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := ParsePublicKeys(append(bytes.Clone(pub), oldPub...))
	if err != nil || len(keys) != 2 {
		t.Fatalf("public keys: %d, %v", len(keys), err)
	}
	v, err := NewTokenVerifier(keys...)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_000_000, 0)
	for _, s := range []*TokenSigner{cur, old} {
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
