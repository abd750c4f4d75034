package protocol

import "errors"

// Decoding errors; every decode error wraps exactly one of them.
var (
	ErrMalformed   = errors.New("protocol: malformed message")
	ErrUnknownType = errors.New("protocol: unknown message type")
	ErrWrongType   = errors.New("protocol: unexpected message type")
	ErrLimit       = errors.New("protocol: length over limit")
)

// PeekType returns the type of the message in b without decoding the rest.
// It fails with ErrMalformed when b does not start with a msgpack array
// whose first element is a small unsigned integer, and with ErrUnknownType
// for a type this version does not define.
func PeekType(b []byte) (MsgType, error) {
	panic("unimplemented")
}

// FieldCounts maps an entity kind to its number of fields, for encoding
// created entities.
type FieldCounts [256]uint8

// NewFieldCounts builds FieldCounts from a schema's kinds.
func NewFieldCounts(kinds []KindSchema) (*FieldCounts, error) {
	panic("unimplemented")
}

// AppendSnapshot appends to b the snapshot message that turns base into cur.
// base and cur are sorted by ID ascending. A nil base encodes a full
// snapshot (Base 0); otherwise baseTick is the tick of base. It allocates
// nothing beyond growing b.
func AppendSnapshot(b []byte, tick, baseTick, lastSeq uint32, base, cur []Entity, counts *FieldCounts) []byte {
	panic("unimplemented")
}

// Apply applies s to base, the view at tick s.Base (ignored when s.Base is
// 0), appending the resulting view, sorted by ID, to dst[:0]. dst must not
// share memory with base. It fails with ErrMalformed when s does not fit
// base: a changed or removed ID base lacks, a created ID base has, or IDs out
// of order.
func Apply(dst, base []Entity, s *Snapshot) ([]Entity, error) {
	panic("unimplemented")
}
