// Package play is everything of the Skirmish player client that is not
// drawing: the screen state machine (menu → connecting → waiting → match →
// results → play again), the session on top of clientnet.Client (which
// dials, reconnects to the held seat, interpolates the other players and
// predicts the player's own movement with the arena's code) with the
// matchmaker's queue in front when the server has one, an input sender at
// the tick rate, the scene the renderer draws (players, bullets placed by
// the arena's trajectory code, events), effects driven by events, the
// follow camera and the mapping from controls to game.Input.
//
// It imports no rendering library, so plain `go test` (with -race) covers
// it, and it builds for GOOS=js GOARCH=wasm like the rest of the client.
// Package client/ui draws what it computes with Ebitengine.
package play
