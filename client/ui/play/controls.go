package play

import (
	"math"

	"github.com/skirmishgg/skirmish/game"
)

// Controls is the state of the player's controls in one frame, whatever
// device they come from (keyboard and mouse, gamepad, an automatic test
// driver).
type Controls struct {
	// MoveX and MoveY are the movement axes in [-1, 1], x to the right and
	// y down. A vector longer than 1 is shortened to 1.
	MoveX, MoveY float64
	// AimX and AimY point from the player towards where it aims, in any
	// length unit (world units for the mouse, stick units for a gamepad).
	// A zero vector keeps the previous aim.
	AimX, AimY float64
	// Fire holds the trigger.
	Fire bool
}

// Input converts c into the game's input, keeping prevAim when c aims
// nowhere. Seq is left 0: the connection numbers inputs.
func (c Controls) Input(prevAim uint16) game.Input {
	in := game.Input{Aim: prevAim}
	mx, my := c.MoveX, c.MoveY
	if math.IsNaN(mx) || math.IsNaN(my) {
		mx, my = 0, 0
	}
	if l := math.Hypot(mx, my); l > 1 {
		mx, my = mx/l, my/l
	}
	in.MoveX = axis(mx)
	in.MoveY = axis(my)
	if (c.AimX != 0 || c.AimY != 0) && !math.IsNaN(c.AimX) && !math.IsNaN(c.AimY) {
		in.Aim = AimAngle(c.AimX, c.AimY)
	}
	if c.Fire {
		in.Buttons |= game.ButtonFire
	}
	return in
}

func axis(v float64) int8 {
	return int8(math.Round(max(-1, min(1, v)) * game.AxisMax))
}

// AimAngle turns a direction into the protocol's aim: 1/65536 of a turn,
// 0 along +x, 16384 along +y (down on screen).
func AimAngle(dx, dy float64) uint16 {
	turns := math.Atan2(dy, dx) / (2 * math.Pi) // (-0.5, 0.5]
	if turns < 0 {
		turns++
	}
	return uint16(int64(math.Round(turns*65536)) & 0xffff)
}

// AimRadians is the inverse of AimAngle, in radians.
func AimRadians(aim uint16) float64 { return float64(aim) / 65536 * 2 * math.Pi }
