// Package replay is the match recording format (.skrec) and what reads it:
// re-simulation, verification, the desync finder, a summary.
//
// A recording is the magic line (Magic), then one DEFLATE stream of
// records, each a uvarint length and a msgpack array led by its type
// (format 2, see Format; a file of another format is refused with
// ErrFormat, naming both versions):
//
//	header      game, mode, match, seed, tick rate, seats, start time,
//	            rules fingerprint, checkpoint interval, and the game's
//	            description as clients get it (an encoded protocol.Welcome)
//	join/leave  a player added to or taken out of the world before the
//	            next step
//	tick        one per step, in order (the tick number is implicit): one
//	            bin of the world's hash after it, folded to 16 bits, and
//	            the inputs that changed, packed (inputs.go: per input a
//	            byte saying which fields changed, then only those, seq
//	            implied when it is the last + 1, aim as a delta, a move
//	            along the aim as a flag; a player that stopped stepping
//	            with an input marked absent)
//	state       every CheckpointEvery ticks, for a game whose world saves
//	            its state (game.StateSaver): the world's full 64-bit hash
//	            and its state, for seeking
//	checkpoint  the same for other games: the full hash and the view
//	            (every entity's schema fields)
//	incomplete  the server's writer fell behind: records from this tick on
//	            were lost
//	end         the outcome, or a stop without results
//
// Only what changes is stored, so a 16-player bots match costs about what
// its inputs do: a bot's aim changes at nearly every input by a delta of
// about 10 bits of entropy, which is most of the file (see the recorder's
// figures in server/record and docs/HOSTING.md).
//
// # The hash every tick
//
// A hash is stored after every step rather than every N steps with
// bisection: bisecting would need the recorded world at the ticks in
// between, which only the server had. With a hash every tick the first
// divergent tick is exact: the step before it matched, so the cause was
// applied at that step. It is folded to 16 bits: a divergence goes
// unnoticed at its first tick with a chance of 1 in 65536, and the state
// it left differs from then on, so the next ticks catch it (and each state
// checkpoint's full 64-bit hash checks the whole world). The cost is two
// incompressible bytes a tick (about 48 KB of a compressed 16-player
// 5-minute recording at 60 Hz; 32 bits cost 88 KB, a sixth of the file)
// and one World.Hash per tick on the server.
//
// # Naming the entity and field
//
// The only reference to compare fields with is a checkpoint (a view, or
// the view of a world restored from a state): Verify runs on from
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
// A world that implements game.StateSaver (the arena) has its whole state
// stored every CheckpointEvery ticks; NewReplayerAt restores the latest
// one before a tick and re-simulates only from there (a viewer's seek
// costs at most CheckpointEvery steps, whatever the match's length). The
// inputs the next step applies are not in the state record: the reader
// knows them from the ticks before it (State.Inputs). A game without
// state capture gets view checkpoints and is re-simulated from the start.
// Verify restores every state and checks its hash against the
// re-simulated world's, and a state's view serves the desync finder as a
// view checkpoint does.
//
// The package imports only game and protocol (its msgpack is protocol/msgp,
// the wire's codec): the server writes with it
// (server/record), the command line reads with it (skirmish replay), and
// clients can read recordings and their own prediction logs with it.
package replay
