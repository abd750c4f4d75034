package identity_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/skirmishgg/skirmish/matchmaking"
	"github.com/skirmishgg/skirmish/server/identity"
)

var now = time.Date(2026, 12, 4, 22, 0, 0, 0, time.UTC)

func newIssuer(t *testing.T) *identity.Issuer {
	t.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	iss, err := identity.NewIssuer(key, time.Hour, nil)
	if err != nil {
		t.Fatal(err)
	}
	return iss
}

func TestGuest(t *testing.T) {
	iss, other := newIssuer(t), newIssuer(t)
	id, tok, err := iss.Guest(now)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(id.Player, identity.GuestPrefix) || id.Kind != identity.KindGuest {
		t.Fatalf("guest %+v", id)
	}
	id2, _, _ := iss.Guest(now)
	if id2.Player == id.Player {
		t.Fatalf("two guests got the same player %s", id.Player)
	}
	_, otherTok, _ := other.Guest(now)
	v, err := identity.NewVerifier([]ed25519.PublicKey{iss.PublicKey()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A join token signed with the very same key is not an identity.
	_, mmKey, _ := ed25519.GenerateKey(rand.Reader)
	signer, _ := matchmaking.NewTokenSigner(mmKey, nil)
	join, _, _ := signer.Issue(id.Player, "m1", "h1", now.Add(time.Hour))
	_, sameKey, _ := ed25519.GenerateKey(rand.Reader)
	sameIss, _ := identity.NewIssuer(sameKey, time.Hour, nil)
	sameSigner, _ := matchmaking.NewTokenSigner(sameKey, nil)
	sameJoin, _, _ := sameSigner.Issue(id.Player, "m1", "h1", now.Add(time.Hour))
	sameV, _ := identity.NewVerifier([]ed25519.PublicKey{sameIss.PublicKey()}, nil)

	payload := strings.Split(tok, ".")[1]
	forged := strings.Replace(tok, payload, base64.RawURLEncoding.EncodeToString([]byte(`{"v":1,"p":"g_someoneelse","e":9999999999}`)), 1)
	tests := []struct {
		name  string
		v     *identity.Verifier
		token string
		at    time.Time
		want  error
	}{
		{"valid", v, tok, now, nil},
		{"valid until just before expiry", v, tok, now.Add(time.Hour - time.Second), nil},
		{"expired", v, tok, now.Add(time.Hour), identity.ErrExpired},
		{"another key", v, otherTok, now, identity.ErrBadSignature},
		{"forged payload", v, forged, now, identity.ErrBadSignature},
		{"empty", v, "", now, identity.ErrMissing},
		{"garbage", v, "g1.!!.!!", now, identity.ErrMalformed},
		{"join token as identity", v, "g1." + join, now, identity.ErrBadSignature},
		{"join token of the same key", sameV, "g1." + sameJoin, now, identity.ErrBadSignature},
		{"a JWT where none is configured", v, "eyJhbGciOiJub25lIn0.e30.", now, identity.ErrNoJWT},
		{"too long", v, "g1." + strings.Repeat("a", 3000), now, identity.ErrMalformed},
		{"nil verifier", nil, tok, now, identity.ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.v.Verify(tt.token, tt.at)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Verify: %v, want %v", err, tt.want)
			}
			if err == nil && got.Player != id.Player {
				t.Fatalf("player %s, want %s", got.Player, id.Player)
			}
		})
	}
}

// keyPair is one backend signing key in every form a test needs.
type keyPair struct {
	method jwt.SigningMethod
	priv   crypto.Signer
	pemPub []byte
	jwk    map[string]string
}

func newKeyPairs(t *testing.T) map[string]keyPair {
	t.Helper()
	b64 := base64.RawURLEncoding.EncodeToString
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	edPub, edKey, _ := ed25519.GenerateKey(rand.Reader)
	pemOf := func(pub any) []byte {
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	}
	ecPt, _ := ecKey.PublicKey.Bytes() // 0x04 || X || Y
	return map[string]keyPair{
		"RS256": {jwt.SigningMethodRS256, rsaKey, pemOf(&rsaKey.PublicKey), map[string]string{
			"kty": "RSA", "kid": "r1", "n": b64(rsaKey.N.Bytes()), "e": b64(big.NewInt(int64(rsaKey.E)).Bytes())}},
		"ES256": {jwt.SigningMethodES256, ecKey, pemOf(&ecKey.PublicKey), map[string]string{
			"kty": "EC", "kid": "e1", "crv": "P-256", "x": b64(ecPt[1:33]), "y": b64(ecPt[33:])}},
		"EdDSA": {jwt.SigningMethodEdDSA, edKey, pemOf(edPub), map[string]string{
			"kty": "OKP", "kid": "d1", "crv": "Ed25519", "x": b64(edPub)}},
	}
}

func sign(t *testing.T, kp keyPair, kid string, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(kp.method, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(kp.priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestJWT(t *testing.T) {
	kps := newKeyPairs(t)
	jwks, _ := json.Marshal(map[string]any{"keys": []map[string]string{kps["RS256"].jwk, kps["ES256"].jwk, kps["EdDSA"].jwk}})
	good := func() jwt.MapClaims {
		return jwt.MapClaims{"sub": "acct-42", "iss": "https://auth.example", "aud": "skirmish", "exp": now.Add(time.Hour).Unix()}
	}
	with := func(k string, v any) jwt.MapClaims {
		c := good()
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	verifier := func(keys []byte) *identity.Verifier {
		jv, err := identity.NewJWTVerifier(identity.JWTOptions{Keys: keys, Issuer: "https://auth.example", Audience: "skirmish"})
		if err != nil {
			t.Fatal(err)
		}
		v, err := identity.NewVerifier(nil, jv)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	byJWKS := verifier(jwks)
	// HS256 keyed with the RSA public key's PEM: the classic algorithm
	// confusion attack.
	hs := jwt.NewWithClaims(jwt.SigningMethodHS256, good())
	hsTok, _ := hs.SignedString(kps["RS256"].pemPub)
	noneTok, _ := jwt.NewWithClaims(jwt.SigningMethodNone, good()).SignedString(jwt.UnsafeAllowNoneSignatureType)
	tests := []struct {
		name  string
		v     *identity.Verifier
		token string
		want  error
	}{
		{"RS256 by PEM", verifier(kps["RS256"].pemPub), sign(t, kps["RS256"], "", good()), nil},
		{"ES256 by PEM", verifier(kps["ES256"].pemPub), sign(t, kps["ES256"], "", good()), nil},
		{"EdDSA by PEM", verifier(kps["EdDSA"].pemPub), sign(t, kps["EdDSA"], "", good()), nil},
		{"RS256 by JWKS kid", byJWKS, sign(t, kps["RS256"], "r1", good()), nil},
		{"ES256 by JWKS kid", byJWKS, sign(t, kps["ES256"], "e1", good()), nil},
		{"EdDSA by JWKS without kid", byJWKS, sign(t, kps["EdDSA"], "", good()), nil},
		{"JWKS unknown kid", byJWKS, sign(t, kps["RS256"], "nope", good()), identity.ErrBadSignature},
		{"JWKS wrong kid", byJWKS, sign(t, kps["RS256"], "e1", good()), identity.ErrBadSignature},
		{"another key", verifier(kps["ES256"].pemPub), sign(t, kps["RS256"], "", good()), identity.ErrBadSignature},
		{"alg none", byJWKS, noneTok, identity.ErrBadSignature},
		{"HS256 with the public key as secret", verifier(kps["RS256"].pemPub), hsTok, identity.ErrBadSignature},
		{"wrong issuer", byJWKS, sign(t, kps["RS256"], "r1", with("iss", "https://evil.example")), identity.ErrClaims},
		{"wrong audience", byJWKS, sign(t, kps["RS256"], "r1", with("aud", "other-game")), identity.ErrClaims},
		{"expired", byJWKS, sign(t, kps["RS256"], "r1", with("exp", now.Add(-time.Second).Unix())), identity.ErrExpired},
		{"no exp", byJWKS, sign(t, kps["RS256"], "r1", with("exp", nil)), identity.ErrClaims},
		{"no sub", byJWKS, sign(t, kps["RS256"], "r1", with("sub", nil)), identity.ErrClaims},
		{"sub with a space", byJWKS, sign(t, kps["RS256"], "r1", with("sub", "a b")), identity.ErrClaims},
		{"not yet valid", byJWKS, sign(t, kps["RS256"], "r1", with("nbf", now.Add(time.Hour).Unix())), identity.ErrClaims},
		{"malformed", byJWKS, "eyJ.not.ajwt", identity.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := tt.v.Verify(tt.token, now)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Verify: %v, want %v", err, tt.want)
			}
			if err == nil && (id.Player != "acct-42" || id.Kind != identity.KindJWT) {
				t.Fatalf("identity %+v", id)
			}
		})
	}
}

func TestNewJWTVerifierRefusesBadKeys(t *testing.T) {
	for _, keys := range []string{"", "not a key", `{"keys":[]}`, `{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}`,
		`{"keys":[{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA"}]}`, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"} {
		if _, err := identity.NewJWTVerifier(identity.JWTOptions{Keys: []byte(keys)}); err == nil {
			t.Errorf("NewJWTVerifier(%q) accepted", keys)
		}
	}
}

// FuzzVerify: no token, however hostile, panics or verifies.
func FuzzVerify(f *testing.F) {
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	iss, _ := identity.NewIssuer(key, time.Hour, nil)
	_, tok, _ := iss.Guest(now)
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKIXPublicKey(&ecKey.PublicKey)
	jv, err := identity.NewJWTVerifier(identity.JWTOptions{Keys: pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})})
	if err != nil {
		f.Fatal(err)
	}
	v, _ := identity.NewVerifier([]ed25519.PublicKey{iss.PublicKey()}, jv)
	j, _ := jwt.NewWithClaims(jwt.SigningMethodES256, jwt.MapClaims{"sub": "a", "exp": now.Add(time.Hour).Unix()}).SignedString(ecKey)
	f.Add(tok)
	f.Add(j)
	f.Add("g1..")
	f.Add("a.b.c")
	guest, _ := v.Verify(tok, now)
	f.Fuzz(func(t *testing.T, s string) {
		// A token may verify only as one of the two players really signed.
		if id, err := v.Verify(s, now); err == nil && id.Player != guest.Player && id.Player != "a" {
			t.Fatalf("%q verified as %+v", s, id)
		}
	})
}

func FuzzJWKS(f *testing.F) {
	f.Add(`{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}`)
	f.Add(`{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		identity.NewJWTVerifier(identity.JWTOptions{Keys: []byte(s)}) // must not panic
	})
}
