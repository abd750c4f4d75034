// Package clientnet is the client side of Skirmish's wire protocol: it dials
// a server's WebSocket endpoint, performs the Hello/Welcome handshake, sends
// inputs and pings, and keeps a replica of the server's entity view by
// applying delta snapshots.
//
// The package imports no rendering and nothing of the server, and builds for
// GOOS=js GOARCH=wasm as well as natively, so the browser client, native
// clients and the headless bots share it. In a browser the WebSocket runs
// in a Web Worker, which stamps each message with the time it came in: the
// page's thread may be busy drawing a frame meanwhile, and a round trip
// measured there would measure the frame, not the network.
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
//
// On top of Conn, a Client is a whole game session for a game's UI: it
// reads, pings and reconnects by itself (jittered exponential backoff,
// taking the seat back with the Welcome's resume token) and keeps what a
// frame needs to draw:
//
//   - a Clock estimating how server ticks map to local time, from snapshot
//     arrivals and pings (arrival schedule, jitter, round trip);
//   - an Interpolator that draws remote entities at a render time a little
//     in the past (Sample, RenderTick), with a delay that adapts to the
//     arrival jitter;
//   - with a game.Predictor (ClientOptions.Game), a Predictor that runs the
//     player ahead of the server with the game's own movement code and
//     reconciles with every snapshot (Self, PredictionErrors);
//   - network figures for a HUD and a graph (HUD, Graph).
//
// Clock, Interpolator and Predictor also work on their own, fed by any
// loop reading a Conn. None of them reads the wall clock: every call takes
// the local time, so tests drive them with made-up times.
package clientnet
