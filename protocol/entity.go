package protocol

// Entity is one object of a snapshot view: quantized integer fields whose
// meaning the Welcome's kinds describe. It has the same layout as
// game.Entity, so the server converts between them for free.
type Entity struct {
	ID   uint32
	Kind uint8
	// X and Y place the entity for interest management; they are not sent.
	X, Y   int32
	Fields [MaxFields]int32
}

// Changed is the delta of one entity in a snapshot: Mask has bit i set when
// field i changed, and Deltas[i] then holds new minus old for that field.
type Changed struct {
	ID     uint32
	Mask   uint8
	Deltas [MaxFields]int32
}

// Snapshot is a decoded snapshot message. Created entities carry all their
// fields; Changed ones only what changed since the baseline; Removed lists IDs
// that left. Base 0 means a full snapshot: the client drops whatever it had.
type Snapshot struct {
	Tick    uint32
	Base    uint32
	LastSeq uint32
	Created []Entity
	Changed []Changed
	Removed []uint32
}
