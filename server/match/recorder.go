package match

import "github.com/skirmishgg/skirmish/game"

// Recorder receives everything that changes a match's world, for a
// recording that re-simulates it exactly (server/record writes one). The
// loop calls it from the tick: every method must return at once, never
// block on I/O.
type Recorder interface {
	// Join: a player was added to the world, before the next step.
	Join(id game.PlayerID, name string)
	// Leave: a player was taken out of the world, before the next step.
	Leave(id game.PlayerID)
	// Step: the world stepped tick with inputs; w is read-only here.
	Step(tick uint32, inputs []game.PlayerInput, w game.World)
	// End: the match ended at tick with out (End ordered it or the world
	// ended it).
	End(tick uint32, out game.Outcome)
	// Close: the loop ended after tick; the recorder is not called again.
	Close(tick uint32)
}
