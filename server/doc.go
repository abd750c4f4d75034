// Package server is Skirmish's match runtime and its network adapter.
//
// A Match is one goroutine that owns a game.World and advances it on a fixed
// tick from an injected Clock. Player sessions feed it inputs through small
// bounded inboxes that the tick drains at its boundary; after a snapshot tick
// each session is offered the newest world view through a one-slot mailbox
// and handed to the server's pool of senders (see senderPool). A sender
// encodes the delta against what that client already has and writes it,
// with the reliable events queued since, in one batch and one system call,
// without waiting on the network: a client whose socket is full is finished
// off the pool. Nothing inside the tick writes to the network, waits on a
// lock another goroutine holds for long, or sends on a channel that could
// block: a slow client skips snapshots, and one that cannot keep up with
// reliable events is closed.
//
// Each connection has one goroutine of its own, its reader, which owns the
// WebSocket's read side: handshake, inputs, pings.
//
// Server places players into matches and serves HTTP: /ws for players,
// /metrics (Prometheus) and /healthz for operators.
package server
