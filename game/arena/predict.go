package arena

import "github.com/skirmishgg/skirmish/game"

// Words of the arena's game.PlayerState: the player's centre in subunits
// (the simulation's own precision, finer than the view's) and its aim, the
// full uint16 of the last input. The other words are always 0.
const (
	StateX   = 0 // centre x, subunits
	StateY   = 1 // centre y, subunits
	StateAim = 2 // aim, 1/65536 of a turn (0..65535)
)

var _ game.Predictor = (*Rules)(nil)

// PredictState implements game.Predictor: the player's position converted
// from view units to subunits, and its aim from the view's top 8 bits. With
// a hint, each word is the hint's own value moved just enough to round to
// the view's: the nearest subunit of the view unit's span, and the hint's
// full aim when its top 8 bits agree.
func (r *Rules) PredictState(e game.Entity, hint *game.PlayerState) game.PlayerState {
	var s game.PlayerState
	if e.Kind != KindPlayer {
		return s
	}
	s[StateX] = FromView(e.Fields[PlayerX])
	s[StateY] = FromView(e.Fields[PlayerY])
	s[StateAim] = int32(uint16(e.Fields[PlayerAim]) << 8)
	if hint != nil {
		s[StateX] = nearestIn(s[StateX], hint[StateX])
		s[StateY] = nearestIn(s[StateY], hint[StateY])
		if uint16(hint[StateAim])>>8 == uint16(e.Fields[PlayerAim]) {
			s[StateAim] = int32(uint16(hint[StateAim]))
		}
	}
	return s
}

// nearestIn returns the subunit value closest to h among those ToView
// rounds to the same view unit as centre, a multiple of
// SubunitsPerViewUnit.
func nearestIn(centre, h int32) int32 {
	lo := centre - SubunitsPerViewUnit/2
	return clamp(h, lo, lo+SubunitsPerViewUnit-1)
}

// PredictStep implements game.Predictor with MovePlayer, the code Step runs
// for every player; the aim becomes the input's, as in Step.
func (r *Rules) PredictStep(s game.PlayerState, in game.Input) game.PlayerState {
	s[StateX], s[StateY] = r.MovePlayer(s[StateX], s[StateY], in)
	s[StateAim] = int32(in.Aim)
	return s
}

// PredictEntity implements game.Predictor: x, y and aim from s, rounded to
// view units and to 1/256 of a turn as AppendView rounds them; hit points,
// score and deaths stay as in e. A non-player entity is returned as is.
func (r *Rules) PredictEntity(s game.PlayerState, e game.Entity) game.Entity {
	if e.Kind != KindPlayer {
		return e
	}
	x, y := ToView(s[StateX]), ToView(s[StateY])
	e.X, e.Y = x, y
	e.Fields[PlayerX], e.Fields[PlayerY] = x, y
	e.Fields[PlayerAim] = int32(uint16(s[StateAim]) >> 8)
	return e
}
