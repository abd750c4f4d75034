// Package netlimit bounds what the network may make a server hold or do:
// a listener that caps open connections in all and per source address
// (refusing the rest with an HTTP 503 that says why), the open-file limit
// those caps are derived from, and a per-connection budget for the frames
// a WebSocket peer makes the server read outside its messages (pings and
// pongs). It knows nothing of games or matches.
package netlimit
