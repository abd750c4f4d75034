// Package matchapi is the matchmaker's network adapter: the WebSocket
// endpoint players queue through (/v1/matchmaking/ws, msgpack messages of
// the protocol package) and the HTTP JSON views for operators
// (/v1/matchmaking/stats, /v1/matchmaking/tickets/{id}). The matchmaking
// package itself knows nothing of the network.
package matchapi
