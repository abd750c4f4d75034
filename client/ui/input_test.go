package ui

import (
	"math"
	"testing"

	"github.com/skirmishgg/skirmish/client/ui/play"
	"github.com/skirmishgg/skirmish/game"
)

// The devices' state maps to the game's input: WASD move, the mouse aims
// from the player's own position, the button fires; a gamepad's sticks and
// trigger do the same.
func TestControlsFromDevices(t *testing.T) {
	var cam play.Camera
	cam.Resize(play.ViewSpan, play.ViewSpan) // one pixel per world unit
	cam.Follow(1000, 1000, 2000, 2000, 0)

	in := inputState{up: true, right: true, fire: true, mouseMoved: true}
	in.cursorX, in.cursorY = cam.ToScreen(1000, 1100) // below the player
	got := in.controls(&cam, 1000, 1000, true).Input(0)
	want := game.Input{MoveX: 90, MoveY: -90, Aim: 16384, Buttons: game.ButtonFire}
	if got != want {
		t.Errorf("keyboard and mouse: %+v, want %+v", got, want)
	}

	pad := inputState{padMoveX: -1, padAimX: 0, padAimY: -0.8, padFire: true}
	got = pad.controls(&cam, 1000, 1000, true).Input(0)
	want = game.Input{MoveX: -127, Aim: 49152, Buttons: game.ButtonFire}
	if got != want {
		t.Errorf("gamepad: %+v, want %+v", got, want)
	}

	// Before the player is in the world the mouse cannot aim: keep the aim.
	idle := inputState{mouseMoved: true}
	if got := idle.controls(&cam, 0, 0, false).Input(1234); got.Aim != 1234 {
		t.Errorf("aim without a player: %d, want kept 1234", got.Aim)
	}
}

func TestWrap(t *testing.T) {
	lines := wrap("the quick brown fox jumps over the lazy dog", face(false, 14), 80)
	if len(lines) < 3 {
		t.Fatalf("lines %q", lines)
	}
	for _, l := range lines {
		if w := textWidth(l, face(false, 14)); w > 80 && len(lines) > 1 && !single(l) {
			t.Errorf("line %q is %.0f wide", l, w)
		}
	}
}

func single(s string) bool {
	for _, r := range s {
		if r == ' ' {
			return false
		}
	}
	return true
}

func TestColours(t *testing.T) {
	if playerColor(7, 7) != playerColors[0] || playerColor(8, 7) == playerColors[0] {
		t.Error("the own player must have the first colour, only it")
	}
	c := fade(rgb(0xffffff), 0.5)
	if math.Abs(float64(c.R)-127) > 1 || math.Abs(float64(c.A)-127) > 1 {
		t.Errorf("fade keeps colours premultiplied: %+v", c)
	}
}
