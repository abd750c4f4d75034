package signed

import (
	"crypto/ed25519"
	"errors"
	"strings"
	"testing"
)

type payload struct {
	P string `json:"p"`
}

func TestSealOpen(t *testing.T) {
	pub, key, _ := ed25519.GenerateKey(nil)
	other, _, _ := ed25519.GenerateKey(nil)
	tok, err := Seal(key, "a.", payload{P: "x"})
	if err != nil {
		t.Fatal(err)
	}
	sig := tok[strings.IndexByte(tok, '.')+1:]
	for _, tc := range []struct {
		name, domain, token string
		keys                []ed25519.PublicKey
		want                error
	}{
		{"opens", "a.", tok, []ed25519.PublicKey{pub}, nil},
		{"a second key opens", "a.", tok, []ed25519.PublicKey{other, pub}, nil},
		{"other key", "a.", tok, []ed25519.PublicKey{other}, ErrBadSignature},
		{"other domain", "b.", tok, []ed25519.PublicKey{pub}, ErrBadSignature},
		{"no dot", "a.", "abc", []ed25519.PublicKey{pub}, ErrMalformed},
		{"three parts", "a.", tok + ".x", []ed25519.PublicKey{pub}, ErrMalformed},
		{"short signature", "a.", tok[:len(tok)-4], []ed25519.PublicKey{pub}, ErrMalformed},
		{"payload not base64", "a.", "!!." + sig, []ed25519.PublicKey{pub}, ErrMalformed},
		{"signature respelled", "a.", tok[:len(tok)-1] + respell(tok[len(tok)-1]), []ed25519.PublicKey{pub}, ErrMalformed},
		{"payload swapped", "a.", "eyJwIjoieSJ9." + sig, []ed25519.PublicKey{pub}, ErrBadSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var p payload
			err := Open(tc.keys, tc.domain, tc.token, &p)
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
			if tc.want == nil && p.P != "x" {
				t.Fatalf("payload %+v", p)
			}
		})
	}
}

func TestOpenRefusesTrailingJSON(t *testing.T) {
	pub, key, _ := ed25519.GenerateKey(nil)
	tok, _ := Seal(key, "a.", []any{1, 2}) // an array, not the object asked for
	var p payload
	if err := Open([]ed25519.PublicKey{pub}, "a.", tok, &p); !errors.Is(err, ErrMalformed) {
		t.Fatalf("err %v, want malformed", err)
	}
}

// respell gives another base64url character that differs from c only in
// the low bits the last character of a 64-byte signature leaves unused
// (86 characters carry 516 bits; the last 4 are padding).
func respell(c byte) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	i := strings.IndexByte(alphabet, c)
	return string(alphabet[i^1])
}
