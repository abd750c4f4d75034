package clientnet

import (
	"math"

	"github.com/skirmishgg/skirmish/protocol"
)

// FieldMode says how a field of an entity is drawn between two snapshots.
type FieldMode uint8

const (
	// FieldStep holds the older snapshot's value until render time reaches
	// the newer one's tick (hit points, scores, IDs, spawn data).
	FieldStep FieldMode = iota
	// FieldLinear moves in a straight line between snapshots and is
	// extrapolated along the last segment when the buffer runs dry
	// (positions).
	FieldLinear
	// FieldAngle is FieldLinear on a circle: it turns the short way round
	// modulo the rule's Modulus, and is kept in [0, Modulus).
	FieldAngle
)

// FieldRule sets the mode of the fields with a given name.
type FieldRule struct {
	Kind  string // kind name as in Welcome.Kinds; "" matches every kind
	Field string // field name
	Mode  FieldMode
	// Modulus is the length of a full turn of a FieldAngle field, for
	// example 256 for the arena's aim. Required for FieldAngle.
	Modulus float64
}

// DefaultFieldRules returns the rules that fit the arena and most
// top-down games: fields named x and y, of any kind, are linear, and a field
// named aim is an angle in 1/256 of a turn. Every field no rule names
// steps.
func DefaultFieldRules() []FieldRule {
	return []FieldRule{
		{Field: "x", Mode: FieldLinear},
		{Field: "y", Mode: FieldLinear},
		{Field: "aim", Mode: FieldAngle, Modulus: 256},
	}
}

// kindModes is how each field of one kind is drawn.
type kindModes struct {
	mode    [protocol.MaxFields]FieldMode
	modulus [protocol.MaxFields]float64
	moving  bool // some field is not FieldStep
}

// resolveFields maps rules onto a schema. A later rule overrides an
// earlier one for the same field; a FieldAngle rule without a positive
// modulus counts as FieldStep.
func resolveFields(kinds []protocol.KindSchema, rules []FieldRule) []kindModes {
	out := make([]kindModes, len(kinds))
	for k, ks := range kinds {
		m := &out[k]
		for f, name := range ks.Fields {
			if f >= protocol.MaxFields {
				break
			}
			for _, r := range rules {
				if r.Field != name || (r.Kind != "" && r.Kind != ks.Name) {
					continue
				}
				mode, mod := r.Mode, r.Modulus
				if mode == FieldAngle && !(mod > 0) {
					mode = FieldStep
				}
				m.mode[f], m.modulus[f] = mode, mod
			}
			if m.mode[f] != FieldStep {
				m.moving = true
			}
		}
	}
	return out
}

// blend returns the fields of an entity a fraction f of the way from a to
// b (f > 1 extrapolates past b) under modes m. Step fields keep a's values
// for f < 1 and take b's from f = 1 on.
func blend(dst *[protocol.MaxFields]float64, a, b *[protocol.MaxFields]int32, f float64, m *kindModes) {
	for i := range dst {
		av, bv := float64(a[i]), float64(b[i])
		switch m.mode[i] {
		case FieldLinear:
			dst[i] = av + (bv-av)*f
		case FieldAngle:
			mod := m.modulus[i]
			d := wrap(bv-av+mod/2, mod) - mod/2
			dst[i] = wrap(av+d*f, mod)
		default:
			if f < 1 {
				dst[i] = av
			} else {
				dst[i] = bv
			}
		}
	}
}

// wrap returns v modulo mod in [0, mod).
func wrap(v, mod float64) float64 {
	v = math.Mod(v, mod)
	if v < 0 {
		v += mod
	}
	if v >= mod { // -tiny + mod rounds up to mod
		v = 0
	}
	return v
}

// Sampled is an entity as drawn at render time: its fields as real
// numbers, in the same units and order as protocol.Entity's.
type Sampled struct {
	ID     uint32
	Kind   uint8
	Fields [protocol.MaxFields]float64
}

// Ints returns the fields rounded to integers: exact for step fields
// (bullet spawn data for arena.BulletPosition, hit points, scores).
func (s *Sampled) Ints() [protocol.MaxFields]int32 {
	var out [protocol.MaxFields]int32
	for i, v := range s.Fields {
		out[i] = int32(math.Round(v))
	}
	return out
}

func sampledOf(e *protocol.Entity) Sampled {
	s := Sampled{ID: e.ID, Kind: e.Kind}
	for i, v := range e.Fields {
		s.Fields[i] = float64(v)
	}
	return s
}

// AtTick evaluates a position that a game computes per whole tick at a
// fractional tick, by blending its values at the two ticks around it. It
// draws objects that follow from their spawn fields, such as the arena's
// bullets, at the Interpolator's render tick:
//
//	rt := ip.RenderTick(now)
//	x, y := clientnet.AtTick(rt, func(t uint32) (int32, int32) {
//		return rules.BulletPosition(fields[:], t)
//	})
func AtTick(tick float64, pos func(tick uint32) (x, y int32)) (x, y float64) {
	tick = max(tick, 0)
	t0 := math.Floor(tick)
	if t0 >= math.MaxUint32 {
		px, py := pos(math.MaxUint32)
		return float64(px), float64(py)
	}
	f := tick - t0
	ax, ay := pos(uint32(t0))
	if f == 0 {
		return float64(ax), float64(ay)
	}
	bx, by := pos(uint32(t0) + 1)
	return float64(ax) + (float64(bx)-float64(ax))*f, float64(ay) + (float64(by)-float64(ay))*f
}
