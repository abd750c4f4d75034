// Package floor is loadbench's reference server: a bare event-loop
// WebSocket server that puts the same traffic on the wire as Skirmish
// under arena v1 (a Welcome per player, a snapshot per match at the
// snapshot rate with the bytes per client measured from Skirmish, input
// acknowledgements in them, Pongs) and does nothing else: no simulation,
// no interest, no metrics. Its CPU per client-second is the floor that
// loadbench divides Skirmish's by.
//
// It is deliberately minimal: one goroutine on one locked OS thread runs
// an edge-triggered epoll loop (Linux only; Serve says so elsewhere), does
// the RFC 6455 upgrade and framing itself, reads once per readiness event
// (again only when a read filled the buffer), undoes masks in place,
// encodes each match's snapshot once and writes each message with one
// write(2). The handshake and frame parser are plain Go, tested and fuzzed
// on every platform.
package floor
