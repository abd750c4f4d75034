// Package server is Skirmish's match runtime and its network adapter.
//
// A Match is one goroutine that owns a game.World and advances it on a fixed
// tick from an injected Clock. Player sessions feed it inputs through small
// bounded inboxes that the tick drains at its boundary; after a snapshot tick
// each session is offered the newest world view through a one-slot mailbox,
// and the session's own writer goroutine encodes the delta against what that
// client already has and writes one binary WebSocket message. Nothing inside
// the tick writes to the network, waits on a lock another goroutine holds for
// long, or sends on a channel that could block: a slow client skips
// snapshots, and one that cannot keep up with reliable events is closed.
//
// Server places players into matches and serves HTTP: /ws for players and
// /healthz for operators.
package server
