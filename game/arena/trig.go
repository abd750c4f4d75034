package arena

//go:generate go run gen_sintable.go

// Aim angles are uint16 fractions of a turn; the simulation reduces them to
// angleSteps directions and reads sine and cosine from a generated integer
// table scaled by trigOne, so aiming involves no floating point at all.
const (
	angleBits  = 12
	angleSteps = 1 << angleBits
	trigShift  = 14
	trigOne    = 1 << trigShift
)

// The table's length must be angleSteps: a stale table fails to compile.
var _ [angleSteps]int16 = sinTable

func sinA(a uint16) int64 {
	return int64(sinTable[a>>(16-angleBits)])
}

func cosA(a uint16) int64 {
	return int64(sinTable[(a>>(16-angleBits)+angleSteps/4)&(angleSteps-1)])
}

// polar returns the vector of the given length along angle a, each
// component rounded half away from zero so opposite angles give exactly
// opposite vectors.
func polar(a uint16, length int32) (x, y int32) {
	return int32(mulTrig(cosA(a), length)), int32(mulTrig(sinA(a), length))
}

func mulTrig(t int64, length int32) int64 {
	v := t * int64(length)
	if v < 0 {
		return -((-v + trigOne/2) >> trigShift)
	}
	return (v + trigOne/2) >> trigShift
}
