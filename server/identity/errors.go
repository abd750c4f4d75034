package identity

import "errors"

// Errors of Verify; each refusal wraps exactly one.
var (
	// ErrMissing: no token was presented.
	ErrMissing = errors.New("identity: token required")
	// ErrMalformed: not a token of a kind this server reads.
	ErrMalformed = errors.New("identity: token malformed")
	// ErrBadSignature: signed by a key this server does not know, or
	// changed since.
	ErrBadSignature = errors.New("identity: token signature invalid")
	// ErrExpired: past its expiry.
	ErrExpired = errors.New("identity: token expired")
	// ErrClaims: a JWT whose issuer, audience or subject is not acceptable,
	// or that lacks exp.
	ErrClaims = errors.New("identity: token claims refused")
	// ErrNoJWT: a JWT was presented to a server configured without
	// -auth-jwt-key.
	ErrNoJWT = errors.New("identity: this server accepts no JWTs (no -auth-jwt-key)")
)
