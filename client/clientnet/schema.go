package clientnet

import "github.com/skirmishgg/skirmish/protocol"

// LookupField finds a field of an entity kind by name in a Welcome's
// schema: the kind's number and the field's index in Entity.Fields. ok is
// false when the schema has no such kind or field.
func LookupField(kinds []protocol.KindSchema, kind, field string) (k uint8, f int, ok bool) {
	for i, ks := range kinds {
		if ks.Name != kind || i > 255 {
			continue
		}
		for j, name := range ks.Fields {
			if name == field && j < protocol.MaxFields {
				return uint8(i), j, true
			}
		}
		return uint8(i), -1, false
	}
	return 0, -1, false
}
