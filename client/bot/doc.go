// Package bot runs headless Skirmish players: each bot dials a server with
// client/clientnet, plays (moves, aims, shoots) from its own seeded random
// generator, rejoins when its match ends, reconnects when it is dropped,
// and counts what it saw. Run aggregates the bots into a Report, which makes
// the bots a load tool as well as an end-to-end check of a server.
//
// Each bot costs two goroutines while connected (its reader and its input
// sender, driven by one ticker) and allocates nothing per message in steady
// state.
package bot
