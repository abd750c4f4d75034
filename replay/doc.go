// Package replay is the match recording format (.skrec) and what reads it:
// re-simulation, verification, the desync finder, a summary.
//
// A recording is the magic line (Magic), then one DEFLATE stream of
// records, each a uvarint length and a msgpack array led by its type:
//
//	header      game, mode, match, seed, tick rate, seats, start time,
//	            rules fingerprint, checkpoint interval, and the game's
//	            description as clients get it (an encoded protocol.Welcome)
//	join/leave  a player added to or taken out of the world before the
//	            next step
//	tick        one per step, in order (the tick number is implicit): the
//	            world's hash after it, folded to 32 bits, and the inputs
//	            that changed (per player; seq and aim as deltas, the lag
//	            compensation rewind included; a player that stopped
//	            stepping with an input marked absent)
//	checkpoint  every CheckpointEvery ticks: the world's full 64-bit hash
//	            and its view (every entity's schema fields)
//	incomplete  the server's writer fell behind: records from this tick on
//	            were lost
//	end         the outcome, or a stop without results
//
// Only what changes is stored, so a 16-player bots match costs about what
// its inputs do (see the recorder's figures in server/record).
//
// # The hash every tick
//
// A 32-bit hash is stored after every step rather than every N steps with
// bisection: bisecting would need the recorded world at the ticks in
// between, which only the server had. With a hash every tick the first
// divergent tick is exact: the step before it matched, so the cause was
// applied at that step. The cost is four incompressible bytes a tick
// (72 KB for five minutes at 60 Hz) and one World.Hash per tick on the
// server; a collision that hides a divergence for a tick is caught at the
// next one (the divergence persists in the state).
//
// # Naming the entity and field
//
// The recording holds no world state beyond hashes and views, so the only
// reference to compare fields with is a checkpoint: Verify runs on from
// the first divergent tick to the first checkpoint at or after it and
// compares the recorded and re-simulated views entity by entity, field by
// field, by the game's schema. Divergence.Applied lists what the recording
// applied at the divergent tick (joins, leaves, changed inputs), and the
// differing entities of those players are listed first: a deterministic
// world diverges at the step that applied something the original did not,
// so that player's entity is the one that first differs, and the fields
// named are its own. A divergence in state the view does not show (an
// input's seq, a cooldown) is reported as such.
//
// # Seeking
//
// game.World offers no way to capture and restore its state, so a
// checkpoint cannot restart the simulation: a viewer shows the checkpoint's
// view at once and re-simulates from the start to resume play (a 5-minute
// arena match re-simulates in well under a second). A game that one day
// offers state capture can store it in a new record type.
//
// The package imports only game and protocol: the server writes with it
// (server/record), the command line reads with it (skirmish replay), and
// clients can read recordings and their own prediction logs with it.
package replay
