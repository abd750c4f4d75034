package match

import (
	"fmt"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/protocol"
)

// Schema is a game's schema as the protocol carries it, made once per game
// and shared by its matches.
type Schema struct {
	Kinds  []protocol.KindSchema
	Counts *protocol.FieldCounts
	// Static is the game's fixed description (map, sizes) that every
	// Welcome carries.
	Static protocol.Static
}

// NewSchema checks that rules can be hosted and carried on the wire.
func NewSchema(rules game.Rules) (Schema, error) {
	if rules.TickRate() <= 0 || rules.MaxPlayers() <= 0 {
		return Schema{}, fmt.Errorf("match: game %q needs a positive tick rate and player count", rules.Name())
	}
	schema := rules.Schema()
	kinds := make([]protocol.KindSchema, len(schema.Kinds))
	for i, k := range schema.Kinds {
		kinds[i] = protocol.KindSchema{Name: k.Name, Fields: k.Fields}
	}
	counts, err := protocol.NewFieldCounts(kinds)
	if err != nil {
		return Schema{}, fmt.Errorf("match: game %q has a schema the protocol cannot carry: %w", rules.Name(), err)
	}
	static := wireStatic(rules.Static())
	if err := static.Validate(); err != nil {
		return Schema{}, fmt.Errorf("match: game %q has a static description the protocol cannot carry: %w", rules.Name(), err)
	}
	return Schema{Kinds: kinds, Counts: counts, Static: static}, nil
}

// wireStatic is a game's static description as Welcome carries it.
func wireStatic(st game.Static) protocol.Static {
	w := protocol.Static{Bounds: protocol.Rect(st.Bounds), Walls: make([]protocol.Rect, len(st.Walls)), Params: make([]protocol.Param, len(st.Params))}
	for i, r := range st.Walls {
		w.Walls[i] = protocol.Rect(r)
	}
	for i, p := range st.Params {
		w.Params[i] = protocol.Param(p)
	}
	return w
}
