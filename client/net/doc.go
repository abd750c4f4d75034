// Package clientnet is the client side of Skirmish's wire protocol: it dials
// a server's WebSocket endpoint, performs the Hello/Welcome handshake, sends
// inputs and pings, and keeps a replica of the server's entity view by
// applying delta snapshots.
//
// The package imports no rendering and nothing of the server, and builds for
// GOOS=js GOARCH=wasm as well as natively, so the browser client, native
// clients and the headless bots share it.
//
// A Conn is used by two goroutines at most: one calls Next in a loop (the
// reader: it owns the Replica and the last decoded messages), and any one
// may call SendInput and Ping. Stats may be read from anywhere. In steady
// state Next and SendInput allocate nothing natively: messages are read into
// a reused buffer, snapshots decoded into a reused protocol.Snapshot and
// applied into double-buffered entity slices.
//
// The Replica type holds the snapshot view logic on its own, so it can be
// used and tested without a connection.
package clientnet
