package play

import (
	"math"
	"testing"

	"github.com/skirmishgg/skirmish/game"
)

func TestControlsInput(t *testing.T) {
	tests := []struct {
		name string
		c    Controls
		want game.Input
	}{
		{"idle keeps aim", Controls{}, game.Input{Aim: 123}},
		{"right", Controls{MoveX: 1, AimX: 1}, game.Input{MoveX: 127, Aim: 0}},
		{"up aims up", Controls{MoveY: -1, AimY: -5}, game.Input{MoveY: -127, Aim: 49152}},
		{"down", Controls{MoveY: 1, AimY: 2}, game.Input{MoveY: 127, Aim: 16384}},
		{"left fire", Controls{MoveX: -1, AimX: -3, Fire: true}, game.Input{MoveX: -127, Aim: 32768, Buttons: game.ButtonFire}},
		{"diagonal shortened", Controls{MoveX: 1, MoveY: 1}, game.Input{MoveX: 90, MoveY: 90, Aim: 123}},
		{"half stick", Controls{MoveX: 0.5}, game.Input{MoveX: 64, Aim: 123}},
		{"NaN ignored", Controls{MoveX: math.NaN(), AimX: math.NaN()}, game.Input{Aim: 123}},
	}
	for _, tt := range tests {
		if got := tt.c.Input(123); got != tt.want {
			t.Errorf("%s: Input = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestAimAngleRoundTrip(t *testing.T) {
	for _, a := range []uint16{0, 1, 8192, 16384, 32767, 32768, 49152, 65535} {
		r := AimRadians(a)
		if got := AimAngle(math.Cos(r), math.Sin(r)); got != a {
			t.Errorf("AimAngle(AimRadians(%d)) = %d", a, got)
		}
	}
}
