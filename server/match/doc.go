// Package match is Skirmish's match runtime, free of any transport.
//
// A Match is a loop that owns a game world and advances it on a fixed tick
// from an injected clock, with a bounded catch-up after a stall. The loops
// of a host are run by one Metronome: one ticker and one goroutine (and a
// few workers when the matches are many) step every due match on a shared
// grid of beats, so the host wakes once a period, not once per match. It owns its seats too, through their whole life: reserved (the
// matchmaker assigned a player, or one is being placed directly) → claimed
// (connected) → held after a drop, for the grace period → released. A
// transport seats a player with Join, feeds its inputs to the Player's
// inbox, and hands it back with Leave; it receives views and reliable
// messages through the small Peer interface the player joined with.
//
// Nothing inside a tick writes to the network, waits on a lock another
// goroutine holds for long, or sends on a channel that could block: inputs
// are applied at tick boundaries, and after a snapshot tick every Peer is
// offered the newest View, shared and reference counted, which it may skip.
// Interest management (Interest, Filter) lives here too: the match indexes
// each view on a grid, and a transport filters what each client is sent.
package match
