// Package identity says who a player is. Every player carries an identity
// token and the servers take the player ID from it, never from a message
// field: a guest identity the matchmaker issued (signed with its Ed25519
// token key, under a domain of its own so that a join token never
// verifies as an identity), or a JWT from the game's own backend, verified
// with its public key or JWKS.
//
// The package is verification logic only: no HTTP, no WebSocket. The
// matchmaker API serves POST /v1/auth/guest with an Issuer; the queue
// socket, the party endpoints and host admission check tokens with a
// Verifier.
package identity
