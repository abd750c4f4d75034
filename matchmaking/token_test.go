package matchmaking

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// seededRand is a deterministic io.Reader for keys and nonces in tests.
type seededRand struct{ r *rand.ChaCha8 }

func newSeededRand(seed byte) *seededRand {
	var s [32]byte
	s[0] = seed
	return &seededRand{rand.NewChaCha8(s)}
}

func (s *seededRand) Read(p []byte) (int, error) { return s.r.Read(p) }

func testSigner(t *testing.T, seed byte) *TokenSigner {
	t.Helper()
	s, err := GenerateTokenSigner(newSeededRand(seed))
	must(t, err)
	return s
}

func TestTokenRoundTrip(t *testing.T) {
	s := testSigner(t, 1)
	tok, c, err := s.Issue("alice", "m_1", "h1", t0.Add(time.Minute))
	must(t, err)
	if len(tok) > 300 {
		t.Errorf("token of %d bytes", len(tok))
	}
	got, err := s.Verifier().Verify(tok, "m_1", t0)
	must(t, err)
	if got != c || got.PlayerID != "alice" || got.MatchID != "m_1" || got.HostID != "h1" || !got.ExpiresAt.Equal(t0.Add(time.Minute)) || got.Nonce == "" {
		t.Fatalf("claims %+v, issued %+v", got, c)
	}
	_, c2, err := s.Issue("alice", "m_1", "h1", t0.Add(time.Minute))
	must(t, err)
	if c2.Nonce == c.Nonce {
		t.Error("two tokens share a nonce")
	}
}

func TestTokenRefused(t *testing.T) {
	s := testSigner(t, 1)
	other := testSigner(t, 2)
	tok, _, err := s.Issue("alice", "m_1", "h1", t0.Add(time.Minute))
	must(t, err)
	foreign, _, err := other.Issue("alice", "m_1", "h1", t0.Add(time.Minute))
	must(t, err)
	payload, sig, _ := strings.Cut(tok, ".")

	tamperPayload := func() string {
		body, _ := base64.RawURLEncoding.DecodeString(payload)
		body = []byte(strings.Replace(string(body), `"p":"alice"`, `"p":"mallory"`, 1))
		return base64.RawURLEncoding.EncodeToString(body) + "." + sig
	}()
	tamperSig := func() string {
		b, _ := base64.RawURLEncoding.DecodeString(sig)
		b[10] ^= 1
		return payload + "." + base64.RawURLEncoding.EncodeToString(b)
	}()
	spliced := payload + "." + strings.SplitN(foreign, ".", 2)[1]

	tests := []struct {
		name  string
		token string
		match string
		now   time.Time
		want  error
	}{
		{"expired", tok, "m_1", t0.Add(time.Minute), ErrTokenExpired},
		{"long expired", tok, "m_1", t0.Add(time.Hour), ErrTokenExpired},
		{"wrong match", tok, "m_2", t0, ErrTokenWrongMatch},
		{"wrong key", foreign, "m_1", t0, ErrTokenBadSignature},
		{"tampered payload", tamperPayload, "m_1", t0, ErrTokenBadSignature},
		{"tampered signature", tamperSig, "m_1", t0, ErrTokenBadSignature},
		{"another token's signature", spliced, "m_1", t0, ErrTokenBadSignature},
		{"empty", "", "m_1", t0, ErrTokenMalformed},
		{"no dot", payload, "m_1", t0, ErrTokenMalformed},
		{"three parts", tok + ".x", "m_1", t0, ErrTokenMalformed},
		{"bad base64", payload + ".!!!", "m_1", t0, ErrTokenMalformed},
		{"short signature", payload + "." + sig[:20], "m_1", t0, ErrTokenMalformed},
		{"huge", strings.Repeat("a", 5000), "m_1", t0, ErrTokenMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := s.Verifier().Verify(tt.token, tt.match, tt.now)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err %v, want %v", err, tt.want)
			}
			if c != (Claims{}) {
				t.Errorf("claims %+v returned with an error", c)
			}
		})
	}
}

// A payload the key signed but that is not a token is malformed, not
// trusted.
func TestTokenSignedGarbage(t *testing.T) {
	_, key, err := ed25519.GenerateKey(newSeededRand(3))
	must(t, err)
	payload := base64.RawURLEncoding.EncodeToString([]byte(`{"v":1,"p":"a"}`))
	sig := ed25519.Sign(key, []byte(tokenDomain+payload))
	v, err := NewTokenVerifier(key.Public().(ed25519.PublicKey))
	must(t, err)
	_, err = v.Verify(payload+"."+base64.RawURLEncoding.EncodeToString(sig), "m", t0)
	if !errors.Is(err, ErrTokenMalformed) {
		t.Fatalf("err %v", err)
	}
}

func TestTokenKeyRotation(t *testing.T) {
	old, cur := testSigner(t, 1), testSigner(t, 2)
	v, err := NewTokenVerifier(cur.PublicKey(), old.PublicKey())
	must(t, err)
	for _, s := range []*TokenSigner{old, cur} {
		tok, _, err := s.Issue("a", "m", "h", t0.Add(time.Minute))
		must(t, err)
		if _, err := v.Verify(tok, "m", t0); err != nil {
			t.Error(err)
		}
	}
	if _, err := NewTokenVerifier(); err == nil {
		t.Error("a verifier without keys")
	}
	if _, err := NewTokenSigner(ed25519.PrivateKey{1, 2}, nil); err == nil {
		t.Error("a signer with a short key")
	}
}

// Signed checks the signature only: a host resumes a seat with a token
// that has expired since, and learns the match from the token itself.
func TestTokenSignedIgnoresExpiryAndMatch(t *testing.T) {
	signer := testSigner(t, 7)
	now := time.Unix(1_000_000, 0)
	tok, _, err := signer.Issue("p1", "m-7", "h1", now.Add(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	c, err := signer.Verifier().Signed(tok)
	if err != nil || c.MatchID != "m-7" || c.PlayerID != "p1" {
		t.Fatalf("Signed = %+v, %v; want p1 in m-7", c, err)
	}
	if _, err := signer.Verifier().Verify(tok, "m-7", now); !errors.Is(err, ErrTokenExpired) {
		t.Fatalf("Verify of the expired token: %v, want ErrTokenExpired", err)
	}
	if _, err := signer.Verifier().Signed(tok[:len(tok)-2] + "AA"); !errors.Is(err, ErrTokenBadSignature) && !errors.Is(err, ErrTokenMalformed) {
		t.Fatalf("tampered token: %v", err)
	}
}
