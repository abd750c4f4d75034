// Package replayview plays a match recording (the replay package's .skrec)
// for a viewer: it re-simulates the match with the game's own rules and
// yields, at any tick, the world view a renderer draws, with play, pause,
// seek, speeds from 0.25× to 4×, and a camera that follows any player or
// pans freely.
//
// It draws nothing and reads no clock: the caller advances it by the time
// that passed (Advance) and asks for the view (View). The native and
// browser clients (client/ui) feed its views to the match renderer.
//
// # Seeking
//
// game.World offers no way to copy or restore its state, so seeking
// backwards re-simulates from tick 0 (replay/doc.go); seeking forwards
// steps on from where the player is. Only views are drawn while seeking,
// never events: effects start fresh at the landing tick.
package replayview
