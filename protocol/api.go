package protocol

import (
	"errors"
	"fmt"
)

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
	r := newReader(b)
	n := r.arrayHeader()
	switch {
	case r.Err == nil && n == 0:
		return 0, errNoType
	case r.Err == nil && n > len(r.B):
		// Claiming more elements than there are bytes left: not a
		// message, whatever its first element says.
		return 0, errShort
	}
	t := r.u64()
	switch {
	case r.Err != nil:
		return 0, r.Err
	case t < uint64(MsgHello) || t > uint64(lastMsgType):
		return 0, fmt.Errorf("%w: %d", ErrUnknownType, t)
	}
	return MsgType(t), nil
}

// FieldCounts maps an entity kind to its number of fields, for encoding
// created entities.
type FieldCounts [256]uint8

// NewFieldCounts builds FieldCounts from a schema's kinds.
// It fails on a schema no Welcome decoder would accept: more than MaxKinds
// kinds, more than MaxFields fields in a kind, or a name longer than
// MaxFieldName bytes.
func NewFieldCounts(kinds []KindSchema) (*FieldCounts, error) {
	if len(kinds) > MaxKinds {
		return nil, fmt.Errorf("protocol: %d entity kinds, at most %d allowed", len(kinds), MaxKinds)
	}
	var c FieldCounts
	for i, k := range kinds {
		if len(k.Fields) > MaxFields {
			return nil, fmt.Errorf("protocol: kind %d (%q) has %d fields, at most %d allowed", i, k.Name, len(k.Fields), MaxFields)
		}
		if len(k.Name) > MaxFieldName {
			return nil, fmt.Errorf("protocol: kind %d name %q longer than %d bytes", i, k.Name, MaxFieldName)
		}
		for _, f := range k.Fields {
			if len(f) > MaxFieldName {
				return nil, fmt.Errorf("protocol: kind %q field name %q longer than %d bytes", k.Name, f, MaxFieldName)
			}
		}
		c[i] = uint8(len(k.Fields))
	}
	return &c, nil
}
