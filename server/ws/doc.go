// Package ws is the WebSocket adapter of the match runtime: it serves
// players at /ws, admits each one through an Admitter after its Hello, and
// plays the match's Peer for it.
//
// The WebSocket library (coder/websocket) does the HTTP upgrade only; the
// adapter then reads and writes the socket itself in RFC 6455 frames
// (wsframe). Each connection has one reader, which owns the read side: a
// goroutine of its own for the handshake and admission, then (linux) an
// event loop that reads every seated connection of the host without a
// goroutine or a wake-up per message (evloop_linux.go); elsewhere, or
// with -event-loops 0, the goroutine reads on. The reader handles inputs
// (rate limited) and control frames (pings are answered through the
// senders).
// Writing is the pool's: after a snapshot tick the match dispatches its
// sessions to a few senders, and a sender encodes the delta the client
// lacks and writes it, with the reliable messages queued since, in one
// batch and one system call, without waiting on the network; a write the
// kernel cannot take at once is finished off the pool, by the event loop
// on EPOLLOUT or by a goroutine of that client's own (send.go holds the
// session's send state machine, netconn.go the socket's).
// Every close the server decides goes through session.close with a typed
// protocol.CloseCode (close.go).
package ws
