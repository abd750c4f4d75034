// Package signed is the envelope every token the project signs is carried
// in: join tokens (matchmaking) and guest identities (server/identity).
// A sealed token is base64url(JSON payload) "." base64url(Ed25519
// signature), unpadded; the signature covers a domain string followed by
// the payload's base64url text, so a token of one kind never verifies as
// another signed with the same key. Pure: no I/O, no clock.
package signed

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// strict refuses non-zero bits after the last full byte: without it a
// token has several spellings (the last character of the signature can
// change and still decode to the same bytes), so a token a client was
// given could be replayed as a different string, past any check keyed on
// the text.
var strict = base64.RawURLEncoding.Strict()

// Errors of Open. Callers wrap them in their own.
var (
	ErrMalformed    = errors.New("malformed")
	ErrBadSignature = errors.New("bad signature")
)

// Seal signs payload (marshalled as JSON) under domain with key.
func Seal(key ed25519.PrivateKey, domain string, payload any) (string, error) {
	body, err := json.Marshal(payload)
	if err != nil {
		return "", fmt.Errorf("signed: payload: %w", err)
	}
	text := base64.RawURLEncoding.EncodeToString(body)
	sig := ed25519.Sign(key, []byte(domain+text))
	return text + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// Open checks that token was sealed under domain by one of keys and
// decodes its payload, one JSON object and nothing after it, into
// payload. The signature is checked before the payload is decoded.
func Open(keys []ed25519.PublicKey, domain, token string, payload any) error {
	text, sigText, ok := strings.Cut(token, ".")
	if !ok || strings.Contains(sigText, ".") {
		return fmt.Errorf("%w: want payload.signature", ErrMalformed)
	}
	sig, err := strict.DecodeString(sigText)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return fmt.Errorf("%w: bad signature encoding", ErrMalformed)
	}
	body, err := strict.DecodeString(text)
	if err != nil {
		return fmt.Errorf("%w: bad payload encoding", ErrMalformed)
	}
	msg := []byte(domain + text)
	signed := false
	for _, k := range keys {
		if ed25519.Verify(k, msg, sig) {
			signed = true
			break
		}
	}
	if !signed {
		return ErrBadSignature
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(payload); err != nil || dec.More() {
		return fmt.Errorf("%w: payload is not a JSON object", ErrMalformed)
	}
	return nil
}
