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
	return Schema{Kinds: kinds, Counts: counts}, nil
}
