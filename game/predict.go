package game

// PlayerStateLen is the number of words in a PlayerState.
const PlayerStateLen = 8

// PlayerState is the part of one player's simulation that the player's own
// inputs drive (typically its position and aim), kept in the game's own
// precision rather than the view's: a game that simulates positions in
// fine subunits and rounds them for the wire keeps the subunits here, so a
// client that steps a PlayerState tick after tick stays exactly on the
// server's path instead of drifting by rounding errors.
//
// The layout of the words is the game's business (the arena documents
// its own); clients and runtimes only store, copy and compare states and
// hand them back to the game's Predictor. Being a fixed array of integers,
// a PlayerState is comparable with ==, costs nothing to copy into a
// per-tick history, and behaves identically on every platform. Unused words
// must be kept 0 so that equal states compare equal.
type PlayerState [PlayerStateLen]int32

// Predictor is an optional interface of Rules for games whose players may
// be predicted on the client: a client runs its own player ahead of the
// server with PredictStep, exactly the code World.Step uses to move a
// player, and corrects the prediction whenever a snapshot shows where the
// server had it.
//
// All three methods are pure functions of their arguments (no world, no
// randomness) and safe for concurrent use.
type Predictor interface {
	// PredictState returns the state of the player whose view entity is e.
	// The view's quantized fields allow many states; hint, when not nil, is
	// the client's own prediction for the same tick, and the game returns
	// the allowed state closest to it (with no hint, the middle one), so a
	// prediction that was right to within the view's precision keeps its
	// finer precision instead of being rounded. For an entity that is not a
	// player it returns the zero state.
	PredictState(e Entity, hint *PlayerState) PlayerState

	// PredictStep returns the state after one Step in which the player's
	// input was in. It moves the player exactly as Step would when nothing
	// else happens to it: what depends on the rest of the world (being hit,
	// dying, respawning) is not predicted and shows up as a correction.
	PredictStep(s PlayerState, in Input) PlayerState

	// PredictEntity returns e with the fields that s determines replaced by
	// their values in s, quantized exactly as the world's view quantizes
	// them, so PredictEntity(s, e) == e when the prediction agrees with the
	// view. Fields the prediction does not cover (hit points, score) are
	// left as in e.
	PredictEntity(s PlayerState, e Entity) Entity
}
