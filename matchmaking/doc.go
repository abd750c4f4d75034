// Package matchmaking is Skirmish's matchmaker: it queues tickets (a player
// or a party) per game mode, forms matches on an interval, fills seats that
// running matches advertise (backfill), places new matches on a host from a
// host directory and issues signed join tokens that the host checks.
//
// The package has four layers, each usable on its own:
//
//   - Pass is the matching function. It is pure and deterministic: given
//     the time, a mode's configuration, the waiting tickets of that mode and
//     the open backfill seats, it returns backfill assignments, new matches
//     and timed-out tickets, and never reads a clock, a random source or a
//     map in iteration order. Explain answers why one ticket is still
//     waiting. Both can be tested and benchmarked without a server.
//   - Matchmaker is the stateful service around it: Enqueue validates and
//     queues a ticket, Cancel withdraws it, Status and Watch report on it,
//     Run calls RunPass every Interval. Tickets live in a Store
//     (MemoryStore by default) and hosts in a Directory (MemoryDirectory by
//     default); both are interfaces so that shared implementations
//     (package redisstore, on Redis) can replace them. When several
//     matchmakers share a Store, Leases decide which one passes each pool;
//     committed matches can go to their hosts over an AssignmentBus, and
//     hosts record how matches ended in Results. Package storetest is the
//     contract every implementation passes.
//   - Directory tracks match hosts (address, region, seat capacity,
//     lifecycle state, running matches with open seats), picks the fullest
//     host that takes matches in a match's region and reserves its seats.
//   - TokenSigner and TokenVerifier are the join tokens: the matchmaker
//     signs one per player with Ed25519; the host verifies it with the
//     public key. The host's seats (server/match) let each token take its
//     seat once and keep a dropped player's seat for a grace period.
//
// The package imports no transport: WebSocket and HTTP adapters call its
// API. Time is always an input: Pass takes now, and the service reads an
// injected clock function.
package matchmaking
