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
// game.World offers no way to copy or restore its state, so a world can
// only be reached by re-simulating from tick 0 (replay/doc.go). Seeking
// forwards steps on from the shown world. For seeking backwards the player
// keeps a second, spare world re-simulated 10 s behind the shown tick
// (stepped along as it plays, and rebuilt a few hundred steps a frame
// after it was used): a seek back of up to 10 s steps on from it (about
// 2.5 ms at the end of a 5-minute 16-player match, natively), and only a
// seek further back re-simulates from the start (125 ms natively, 430 ms
// in a browser, for that whole match; see the benchmarks). Only views are
// drawn while seeking, never events: effects start fresh at the landing
// tick.
package replayview
