package matchmaking

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"testing"
	"time"
)

// tokenErrors are the refusals Verify may give.
var tokenErrors = []error{ErrTokenMalformed, ErrTokenBadSignature, ErrTokenExpired, ErrTokenWrongMatch}

func refusedWithAReason(err error) bool {
	for _, want := range tokenErrors {
		if errors.Is(err, want) {
			return true
		}
	}
	return false
}

// FuzzVerifyToken feeds arbitrary text to a host's token check: it never
// panics, refuses with one of the documented reasons, and accepts only
// what the matchmaker signed.
func FuzzVerifyToken(f *testing.F) {
	s, err := GenerateTokenSigner(newSeededRand(7))
	if err != nil {
		f.Fatal(err)
	}
	good, _, err := s.Issue("alice", "m_1", "h1", t0.Add(time.Minute))
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{good, "", ".", "a.b", good + ".x", good[:len(good)/2], "e30." + good[len(good)-86:]} {
		f.Add(seed)
	}
	v := s.Verifier()
	f.Fuzz(func(t *testing.T, token string) {
		c, err := v.Verify(token, "m_1", t0)
		if err != nil {
			if !refusedWithAReason(err) {
				t.Fatalf("refused %q without a documented reason: %v", token, err)
			}
			return
		}
		if token != good || c.PlayerID != "alice" {
			t.Fatalf("accepted %q as %+v", token, c)
		}
	})
}

// FuzzTokenPayload signs arbitrary payloads with the matchmaker's key, so
// the fuzzer reaches the payload decoding behind the signature check: a
// signed payload that is not a well-formed token is refused as malformed.
func FuzzTokenPayload(f *testing.F) {
	key := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	v, err := NewTokenVerifier(key.Public().(ed25519.PublicKey))
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		`{"v":1,"p":"alice","m":"m_1","e":4102444800,"n":"abc"}`,
		`{"v":1,"p":"alice","m":"m_1","e":4102444800,"n":"abc"}{}`,
		`{"v":2}`, `[]`, `null`, `{"v":1,"p":"","m":"m_1","e":1,"n":"x"}`, `{"e":1e400}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		text := base64.RawURLEncoding.EncodeToString(payload)
		sig := ed25519.Sign(key, []byte(tokenDomain+text))
		token := text + "." + base64.RawURLEncoding.EncodeToString(sig)
		c, err := v.Verify(token, "m_1", t0)
		if err != nil {
			if !refusedWithAReason(err) || errors.Is(err, ErrTokenBadSignature) {
				t.Fatalf("payload %q refused with %v", payload, err)
			}
			return
		}
		if c.PlayerID == "" || c.MatchID != "m_1" || c.Nonce == "" || !t0.Before(c.ExpiresAt) {
			t.Fatalf("payload %q accepted with incomplete claims %+v", payload, c)
		}
	})
}
