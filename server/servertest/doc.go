// Package servertest is the one home of test helpers for code that runs
// Skirmish servers: real servers on loopback (the all-in-one stack as
// `skirmish serve` wires it, with or without matchmaking), matches on a fake
// clock, an in-memory Peer, waiting for conditions, a quiet logger. Tests
// of every package use it instead of keeping their own copies.
package servertest
