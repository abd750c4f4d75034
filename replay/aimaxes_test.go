package replay

import (
	"math"
	"testing"
)

// TestAimAxes: the integer table gives round(127·cos) and round(127·sin)
// of every aim, as float math on this machine does (the table was made
// from it; the test keeps them one definition).
func TestAimAxes(t *testing.T) {
	bad := 0
	for a := range 1 << 16 {
		th := float64(a) / 65536 * 2 * math.Pi
		wx, wy := int8(math.Round(127*math.Cos(th))), int8(math.Round(127*math.Sin(th)))
		if x, y := aimAxes(uint16(a)); x != wx || y != wy {
			if bad++; bad < 10 {
				t.Errorf("aim %d: (%d, %d), float math (%d, %d)", a, x, y, wx, wy)
			}
		}
	}
}
