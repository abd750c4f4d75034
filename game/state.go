package game

// StateSaver is implemented by a World that can capture its whole
// simulation state and restore it: replays then seek from a stored state
// instead of re-simulating from the start. It is optional; a world
// without it is re-simulated.
//
// The state is a game's own bytes, valid only for the same rules (a
// recording checks the rules' fingerprint before restoring), and must be
// deterministic: equal worlds append equal bytes. A world restored from
// the state a world appended after the step of tick T must, stepped with
// the same inputs from T+1 on, stay bit-identical to it (the same Hash
// after every step, the same view and events). State that only caches
// what the rest derives (sorted standings, an index) need not be stored.
type StateSaver interface {
	// AppendState appends the world's state to dst. It allocates nothing
	// once dst has room: a server may call it in the tick.
	AppendState(dst []byte) []byte
	// RestoreState replaces the world's whole state with src, as appended
	// by AppendState of a world of the same rules. Bytes that are not
	// such a state give an error and leave the world unusable, never a
	// panic.
	RestoreState(src []byte) error
}
