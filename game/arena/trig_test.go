package arena

import (
	"math"
	"testing"
)

func TestSinTable(t *testing.T) {
	for i := range angleSteps {
		want := math.Sin(2*math.Pi*float64(i)/angleSteps) * trigOne
		if d := math.Abs(float64(sinTable[i]) - want); d > 0.5+1e-9 {
			t.Fatalf("sinTable[%d] = %d, want %.2f", i, sinTable[i], want)
		}
		// Exact symmetries: opposite angles give opposite vectors.
		if sinTable[i] != -sinTable[(i+angleSteps/2)%angleSteps] {
			t.Fatalf("sin(%d) is not -sin(%d+π)", i, i)
		}
	}
	quarter := uint16(1 << 14)
	cases := []struct {
		a        uint16
		cos, sin int64
	}{{0, trigOne, 0}, {quarter, 0, trigOne}, {2 * quarter, -trigOne, 0}, {3 * quarter, 0, -trigOne}}
	for _, c := range cases {
		if cosA(c.a) != c.cos || sinA(c.a) != c.sin {
			t.Errorf("angle %d: cos %d sin %d, want %d %d", c.a, cosA(c.a), sinA(c.a), c.cos, c.sin)
		}
	}
}

func TestPolar(t *testing.T) {
	for a := 0; a < 1<<16; a += 7 {
		x, y := polar(uint16(a), 1200)
		ox, oy := polar(uint16(a+1<<15), 1200)
		if x != -ox || y != -oy {
			t.Fatalf("polar(%d) = (%d, %d), opposite (%d, %d)", a, x, y, ox, oy)
		}
		if l := math.Hypot(float64(x), float64(y)); math.Abs(l-1200) > 1 {
			t.Fatalf("polar(%d) has length %.2f", a, l)
		}
	}
}
