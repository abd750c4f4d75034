// Package matchapi is the matchmaker's network adapter: the WebSocket
// endpoint players queue through (/v1/matchmaking/ws, msgpack messages of
// the protocol package) and the HTTP JSON views for operators
// (/v1/matchmaking/stats, /v1/matchmaking/tickets/{id}). The matchmaking
// package itself knows nothing of the network.
//
// The queue socket bounds what one client can take: a message rate limit
// (closed with 1008 past it) and a cap on the live tickets of one client
// address (guard.go). A ticket's view names other tickets only to
// operators (AsOperator); its owner sees aggregate figures.
package matchapi
