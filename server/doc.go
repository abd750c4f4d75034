// Package server is a Skirmish match host: it puts together the packages
// below it into one Server that runs matches and serves players.
//
//   - match: the transport-free runtime. A Match is a goroutine that owns
//     a game world, advances it on a fixed tick from an injected clock,
//     and owns its seats (reserved → claimed → held → released). It
//     reaches players only through the small Peer interface.
//   - registry: which matches the host runs and where the free seats are;
//     creates matches for the matchmaker's assignments and reports the
//     host's load to its directory.
//   - admission: which seat a player who said Hello takes (join tokens,
//     resume tokens, direct placement), and the close code of a refusal.
//   - ws: the WebSocket adapter: one reader goroutine per connection, a
//     pool of senders that encode each client's delta and write it in one
//     batched system call, the session's send state machine.
//   - web: the browser client's static files.
//   - clock: injected time.
//
// Server serves /ws for players, /metrics (Prometheus) and /healthz for
// operators. Nothing inside a tick writes to the network, waits on a lock
// another goroutine holds for long, or sends on a channel that could
// block: a slow client skips snapshots, and one that cannot keep up with
// reliable events is closed.
package server
