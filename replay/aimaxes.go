package replay

import "sort"

// aimAxes are the move axes of a full tilt along aim: round(127·cos) and
// round(127·sin) of the aim angle, as a client (a bot chasing its target,
// or forward in a game with aim-relative controls) computes them. A packed
// input whose move is exactly that says so in a flag instead of two bytes
// (inputs.go): it is most moves of a bots match.
//
// Encoder and decoder must agree bit for bit on every platform (a server
// on arm64, a viewer in WebAssembly), so this is integer only: the cosine
// over a quarter turn is a step function with 127 steps, stored as the
// aims where it drops below each value (cosSteps, from math.Cos and
// math.Round; aimaxes_test.go checks the table against them). The signs
// follow the quadrant, exactly as round(-x) = -round(x).
func aimAxes(aim uint16) (x, y int8) {
	r := int(aim & (quarterTurn - 1))
	c, s := quarterCos(r), quarterCos(quarterTurn-r)
	switch aim >> 14 {
	case 0:
		return c, s
	case 1:
		return -s, c
	case 2:
		return -c, -s
	}
	return s, -c
}

// quarterTurn is a quarter turn in aim units.
const quarterTurn = 1 << 14

// quarterCos is round(127·cos(2π·r/65536)) for r in [0, quarterTurn].
func quarterCos(r int) int8 {
	return int8(127 - sort.SearchInts(cosSteps[:], r+1))
}

// cosSteps[i] is the first r in [0, quarterTurn] where
// round(127·cos(2π·r/65536)) is below 127-i.
var cosSteps = [127]int{
	926, 1605, 2073, 2455, 2785, 3081, 3352, 3603, 3838, 4060, 4272, 4473,
	4667, 4853, 5033, 5208, 5377, 5541, 5701, 5857, 6010, 6159, 6305, 6448,
	6588, 6726, 6862, 6995, 7126, 7255, 7382, 7508, 7632, 7754, 7874, 7993,
	8111, 8228, 8343, 8457, 8569, 8681, 8792, 8901, 9010, 9117, 9224, 9329,
	9434, 9538, 9642, 9744, 9846, 9947, 10047, 10147, 10246, 10345, 10442, 10540,
	10636, 10732, 10828, 10923, 11018, 11112, 11205, 11299, 11391, 11484, 11576, 11667,
	11758, 11849, 11939, 12029, 12119, 12208, 12297, 12386, 12475, 12563, 12651, 12738,
	12825, 12912, 12999, 13086, 13172, 13258, 13344, 13430, 13515, 13600, 13685, 13770,
	13855, 13939, 14024, 14108, 14192, 14276, 14360, 14443, 14527, 14610, 14693, 14777,
	14860, 14943, 15026, 15108, 15191, 15274, 15356, 15439, 15521, 15604, 15686, 15768,
	15850, 15933, 16015, 16097, 16179, 16261, 16343,
}
