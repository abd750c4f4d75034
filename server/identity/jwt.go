package identity

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// jwtMethods are the signing algorithms a backend's JWT may use: public-key
// ones only. "none" and HMAC are refused, so a public key can never be
// used as a shared secret (algorithm confusion).
var jwtMethods = []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}

// JWTOptions says which JWTs a JWTVerifier accepts.
type JWTOptions struct {
	// Keys is the backend's public key material: one PEM public key
	// (RSA, ECDSA or Ed25519, PKIX or PKCS#1) or a JWKS JSON document
	// ({"keys": [...]}, keys chosen by the token's kid). Required.
	Keys []byte
	// Issuer, when set, must equal the token's iss.
	Issuer string
	// Audience, when set, must be among the token's aud.
	Audience string
	// Leeway tolerates clock skew on exp and nbf. Default 0.
	Leeway time.Duration
}

// JWTVerifier verifies a game backend's JWTs: sub is the player ID and exp
// is required. It is safe for concurrent use.
type JWTVerifier struct {
	opts  JWTOptions
	keys  []crypto.PublicKey
	byKID map[string]crypto.PublicKey
}

// NewJWTVerifier parses opts.Keys.
func NewJWTVerifier(opts JWTOptions) (*JWTVerifier, error) {
	v := &JWTVerifier{opts: opts, byKID: map[string]crypto.PublicKey{}}
	if block, _ := pem.Decode(opts.Keys); block != nil {
		k, err := parsePEMKey(block)
		if err != nil {
			return nil, err
		}
		v.keys = []crypto.PublicKey{k}
		return v, nil
	}
	var set struct {
		Keys []jwk `json:"keys"`
	}
	if err := json.Unmarshal(opts.Keys, &set); err != nil {
		return nil, fmt.Errorf("identity: JWT key is neither a PEM public key nor a JWKS: %w", err)
	}
	for i, j := range set.Keys {
		if j.Use != "" && j.Use != "sig" {
			continue
		}
		k, err := j.publicKey()
		if err != nil {
			return nil, fmt.Errorf("identity: JWKS key %d (kid %q): %w", i, j.KID, err)
		}
		v.keys = append(v.keys, k)
		if j.KID != "" {
			v.byKID[j.KID] = k
		}
	}
	if len(v.keys) == 0 {
		return nil, fmt.Errorf("identity: JWKS has no signing key")
	}
	return v, nil
}

func parsePEMKey(block *pem.Block) (crypto.PublicKey, error) {
	switch block.Type {
	case "RSA PUBLIC KEY":
		k, err := x509.ParsePKCS1PublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("identity: JWT key: %w", err)
		}
		return k, nil
	case "PUBLIC KEY":
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("identity: JWT key: %w", err)
		}
		switch k.(type) {
		case *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey:
			return k, nil
		}
		return nil, fmt.Errorf("identity: JWT key: unsupported key type %T", k)
	case "CERTIFICATE":
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("identity: JWT key: %w", err)
		}
		return c.PublicKey, nil
	}
	return nil, fmt.Errorf("identity: JWT key: PEM block %q, want PUBLIC KEY", block.Type)
}

// jwk is one key of a JWKS (RFC 7517, 7518, 8037).
type jwk struct {
	KTY string `json:"kty"`
	KID string `json:"kid"`
	Use string `json:"use"`
	N   string `json:"n"`
	E   string `json:"e"`
	CRV string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y"`
}

func (j jwk) publicKey() (crypto.PublicKey, error) {
	b := func(s string) ([]byte, error) { return base64.RawURLEncoding.DecodeString(s) }
	switch j.KTY {
	case "RSA":
		n, err1 := b(j.N)
		e, err2 := b(j.E)
		if err := errors.Join(err1, err2); err != nil || len(n) == 0 || len(e) == 0 || len(e) > 4 {
			return nil, fmt.Errorf("bad RSA n or e")
		}
		return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}, nil
	case "EC":
		var curve elliptic.Curve
		switch j.CRV {
		case "P-256":
			curve = elliptic.P256()
		case "P-384":
			curve = elliptic.P384()
		case "P-521":
			curve = elliptic.P521()
		default:
			return nil, fmt.Errorf("unsupported curve %q", j.CRV)
		}
		x, err1 := b(j.X)
		y, err2 := b(j.Y)
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("bad EC x or y")
		}
		size := (curve.Params().BitSize + 7) / 8
		if len(x) != size || len(y) != size {
			return nil, fmt.Errorf("EC x or y of the wrong size")
		}
		// Checked on the curve by crypto/ecdh via ecdsa.PublicKey.ECDH.
		k := &ecdsa.PublicKey{Curve: curve, X: new(big.Int).SetBytes(x), Y: new(big.Int).SetBytes(y)}
		if _, err := k.ECDH(); err != nil {
			return nil, fmt.Errorf("EC point: %w", err)
		}
		return k, nil
	case "OKP":
		x, err := b(j.X)
		if j.CRV != "Ed25519" || err != nil || len(x) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("want an Ed25519 OKP key")
		}
		return ed25519.PublicKey(x), nil
	}
	return nil, fmt.Errorf("unsupported kty %q", j.KTY)
}

// keyFor picks the verification key(s) of a token: by kid in a JWKS, else
// every key (the library tries each).
func (v *JWTVerifier) keyFor(t *jwt.Token) (any, error) {
	if kid, _ := t.Header["kid"].(string); kid != "" && len(v.byKID) > 0 {
		k, ok := v.byKID[kid]
		if !ok {
			return nil, fmt.Errorf("unknown kid %q", kid)
		}
		return k, nil
	}
	if len(v.keys) == 1 {
		return v.keys[0], nil
	}
	set := jwt.VerificationKeySet{}
	for _, k := range v.keys {
		set.Keys = append(set.Keys, k)
	}
	return set, nil
}

// Verify checks a JWT at now and returns its subject's identity.
func (v *JWTVerifier) Verify(token string, now time.Time) (Identity, error) {
	opts := []jwt.ParserOption{
		jwt.WithValidMethods(jwtMethods),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(func() time.Time { return now }),
		jwt.WithLeeway(v.opts.Leeway),
	}
	if v.opts.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(v.opts.Issuer))
	}
	if v.opts.Audience != "" {
		opts = append(opts, jwt.WithAudience(v.opts.Audience))
	}
	var claims jwt.RegisteredClaims
	_, err := jwt.ParseWithClaims(token, &claims, v.keyFor, opts...)
	switch {
	case err == nil:
	case errors.Is(err, jwt.ErrTokenExpired):
		return Identity{}, fmt.Errorf("%w: %w", ErrExpired, err)
	case errors.Is(err, jwt.ErrTokenMalformed):
		return Identity{}, fmt.Errorf("%w: %w", ErrMalformed, err)
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		return Identity{}, fmt.Errorf("%w: %w", ErrBadSignature, err)
	default:
		return Identity{}, fmt.Errorf("%w: %w", ErrClaims, err)
	}
	if !validPlayer(claims.Subject) {
		return Identity{}, fmt.Errorf("%w: sub must be 1 to %d printable bytes", ErrClaims, maxPlayerLen)
	}
	return Identity{Player: claims.Subject, Kind: KindJWT, Expires: claims.ExpiresAt.UTC()}, nil
}
