package protocol

import (
	"fmt"

	"github.com/skirmishgg/skirmish/protocol/msgp"
)

// Decode errors are preallocated so that rejecting hostile input costs no
// allocation; each wraps one of the exported sentinels.
var (
	errTruncated = fmt.Errorf("%w: truncated", ErrMalformed)
	errNotInt    = fmt.Errorf("%w: expected an integer", ErrMalformed)
	errRange     = fmt.Errorf("%w: integer out of range", ErrMalformed)
	errNotArray  = fmt.Errorf("%w: expected an array", ErrMalformed)
	errNotStr    = fmt.Errorf("%w: expected a string", ErrMalformed)
	errNotBin    = fmt.Errorf("%w: expected binary", ErrMalformed)
	errNotBool   = fmt.Errorf("%w: expected a boolean", ErrMalformed)
	errNotNil    = fmt.Errorf("%w: expected nil", ErrMalformed)
	errCount     = fmt.Errorf("%w: wrong number of elements", ErrMalformed)
	errShort     = fmt.Errorf("%w: length beyond the end of the message", ErrMalformed)
	errTrailing  = fmt.Errorf("%w: trailing bytes after the message", ErrMalformed)
	errNoType    = fmt.Errorf("%w: expected a non-empty array led by a message type", ErrMalformed)
	errArrayLong = fmt.Errorf("%w: array", ErrLimit)
	errStrLong   = fmt.Errorf("%w: string", ErrLimit)
	errFields    = fmt.Errorf("%w: entity fields", ErrLimit)
)

// wireErrors are the errors the protocol's msgp readers fail with.
var wireErrors = msgp.Errors{
	Truncated: errTruncated, NotInt: errNotInt, Range: errRange,
	NotArray: errNotArray, NotStr: errNotStr, NotBin: errNotBin,
	NotBool: errNotBool, NotNil: errNotNil, Short: errShort,
	ArrayLong: errArrayLong, StrLong: errStrLong,
}

// reader reads a message with package msgp (see msgp.Reader: bounds
// checked, nothing allocated but the strings that string builds, sticky
// errors) failing with the protocol's errors; make one with newReader or
// message. The short lower-case names are the protocol's for msgp's
// reads.
type reader struct {
	msgp.Reader
}

func newReader(b []byte) reader {
	return reader{msgp.Reader{B: b, Errs: &wireErrors}}
}

func (r *reader) fail(err error)                { r.Fail(err) }
func (r *reader) uint(max uint64) uint64        { return r.Uint(max) }
func (r *reader) int(min, max int64) int64      { return r.Int(min, max) }
func (r *reader) u8() uint8                     { return r.U8() }
func (r *reader) u16() uint16                   { return r.U16() }
func (r *reader) u32() uint32                   { return r.U32() }
func (r *reader) u64() uint64                   { return r.U64() }
func (r *reader) i8() int8                      { return r.I8() }
func (r *reader) i32() int32                    { return r.I32() }
func (r *reader) bool() bool                    { return r.Bool() }
func (r *reader) nil()                          { r.Nil() }
func (r *reader) arrayHeader() int              { return r.ArrayHeader() }
func (r *reader) array(limit int) int           { return r.Array(limit) }
func (r *reader) str(limit int) []byte          { return r.Str(limit) }
func (r *reader) integer() (v uint64, neg bool) { return r.Integer() }

// tuple reads the header of an array that must have exactly n elements.
func (r *reader) tuple(n int) {
	if r.ArrayHeader() != n {
		r.Fail(errCount)
	}
}

// string reads a string of at most limit bytes into *dst, keeping the string
// already there when it is equal, so re-decoding allocates nothing.
func (r *reader) string(dst *string, limit int) {
	if s := r.Str(limit); string(s) != *dst {
		*dst = string(s)
	}
}

// message starts decoding a message of type t with n elements, its type
// included: the type is checked before the count, so another message type
// reports ErrWrongType rather than a shape error.
func (r *reader) message(b []byte, t MsgType, n int) {
	*r = newReader(b)
	got := r.ArrayHeader()
	if r.Err != nil {
		return
	}
	if got == 0 {
		r.Fail(errNoType)
		return
	}
	if typ := r.U64(); r.Err == nil && typ != uint64(t) {
		r.Fail(fmt.Errorf("%w: got %d, want %d", ErrWrongType, typ, t))
	}
	if got != n {
		r.Fail(errCount)
	}
}

// done ends decoding: the whole message must have been read.
func (r *reader) done() error {
	if r.Err == nil && len(r.B) != 0 {
		r.Err = errTrailing
	}
	return r.Err
}
