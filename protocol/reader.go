package protocol

import (
	"fmt"
	"math"
)

// Decode errors are preallocated so that rejecting hostile input costs no
// allocation; each wraps one of the exported sentinels.
var (
	errTruncated = fmt.Errorf("%w: truncated", ErrMalformed)
	errNotInt    = fmt.Errorf("%w: expected an integer", ErrMalformed)
	errRange     = fmt.Errorf("%w: integer out of range", ErrMalformed)
	errNotArray  = fmt.Errorf("%w: expected an array", ErrMalformed)
	errNotStr    = fmt.Errorf("%w: expected a string", ErrMalformed)
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

// reader reads msgpack values from the front of b. Every read checks bounds
// first; nothing is allocated except the strings that string builds. Errors
// are sticky: the first one is kept and every later read returns a zero
// value, so a decoder reads a whole message and checks err once (loops stop
// too, since a failed array header counts 0).
type reader struct {
	b   []byte // the unread bytes
	err error
}

func (r *reader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
	r.b = nil
}

// be reads an n-byte big-endian unsigned integer.
func (r *reader) be(n int) uint64 {
	if len(r.b) < n {
		r.fail(errTruncated)
		return 0
	}
	var v uint64
	for _, c := range r.b[:n] {
		v = v<<8 | uint64(c)
	}
	r.b = r.b[n:]
	return v
}

// integer reads any msgpack integer. A negative value comes back as its
// two's complement with neg set.
func (r *reader) integer() (v uint64, neg bool) {
	if len(r.b) == 0 {
		r.fail(errTruncated)
		return 0, false
	}
	c := r.b[0]
	r.b = r.b[1:]
	switch {
	case c < 0x80:
		return uint64(c), false
	case c >= 0xe0:
		return uint64(int64(int8(c))), true
	}
	switch c {
	case mpUint8:
		return r.be(1), false
	case mpUint16:
		return r.be(2), false
	case mpUint32:
		return r.be(4), false
	case mpUint64:
		return r.be(8), false
	case mpInt8:
		v = uint64(int64(int8(r.be(1))))
	case mpInt16:
		v = uint64(int64(int16(r.be(2))))
	case mpInt32:
		v = uint64(int64(int32(r.be(4))))
	case mpInt64:
		v = r.be(8)
	default:
		r.fail(errNotInt)
		return 0, false
	}
	return v, int64(v) < 0
}

// uint reads an integer in [0, max], whatever its encoding; max is at
// least 0x7f. The positive fixint, most values on the wire, is read inline.
func (r *reader) uint(max uint64) uint64 {
	if b := r.b; len(b) > 0 && b[0] < 0x80 {
		r.b = b[1:]
		return uint64(b[0])
	}
	return r.uintSlow(max)
}

func (r *reader) uintSlow(max uint64) uint64 {
	v, neg := r.integer()
	if neg || v > max {
		r.fail(errRange)
		return 0
	}
	return v
}

// int reads an integer in [min, max], whatever its encoding.
func (r *reader) int(min, max int64) int64 {
	v, neg := r.integer()
	if neg && int64(v) < min || !neg && v > uint64(max) {
		r.fail(errRange)
		return 0
	}
	return int64(v)
}

func (r *reader) u8() uint8   { return uint8(r.uint(math.MaxUint8)) }
func (r *reader) u16() uint16 { return uint16(r.uint(math.MaxUint16)) }
func (r *reader) u32() uint32 { return uint32(r.uint(math.MaxUint32)) }
func (r *reader) u64() uint64 { return r.uint(math.MaxUint64) }
func (r *reader) i8() int8    { return int8(r.int(math.MinInt8, math.MaxInt8)) }
func (r *reader) i32() int32  { return int32(r.int(math.MinInt32, math.MaxInt32)) }

func (r *reader) bool() bool {
	switch {
	case len(r.b) == 0:
		r.fail(errTruncated)
	case r.b[0] == mpTrue || r.b[0] == mpFalse:
		v := r.b[0] == mpTrue
		r.b = r.b[1:]
		return v
	default:
		r.fail(errNotBool)
	}
	return false
}

func (r *reader) nil() {
	switch {
	case len(r.b) == 0:
		r.fail(errTruncated)
	case r.b[0] == mpNil:
		r.b = r.b[1:]
	default:
		r.fail(errNotNil)
	}
}

// arrayHeader reads an array header's count without judging it. A fixarray,
// the usual header, is read inline.
func (r *reader) arrayHeader() int {
	if b := r.b; len(b) > 0 && b[0]&0xf0 == mpFixArray {
		r.b = b[1:]
		return int(b[0] & 0x0f)
	}
	return r.arrayHeaderSlow()
}

func (r *reader) arrayHeaderSlow() int {
	if len(r.b) == 0 {
		r.fail(errTruncated)
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	switch {
	case c&0xf0 == mpFixArray:
		return int(c & 0x0f)
	case c == mpArray16:
		return int(r.be(2))
	case c == mpArray32:
		// Clamped so that the count stays positive where int is 32 bits;
		// no limit comes near.
		return int(min(r.be(4), math.MaxInt32))
	}
	r.fail(errNotArray)
	return 0
}

// array reads an array header of at most limit elements. Every element takes
// at least one byte, so a count beyond the unread bytes is a lie, caught
// before a caller sizes anything by it.
func (r *reader) array(limit int) int {
	n := r.arrayHeader()
	switch {
	case n > limit:
		r.fail(errArrayLong)
		return 0
	case n > len(r.b):
		r.fail(errShort)
		return 0
	}
	return n
}

// tuple reads the header of an array that must have exactly n elements.
func (r *reader) tuple(n int) {
	if r.arrayHeader() != n {
		r.fail(errCount)
	}
}

// str reads a string of at most limit bytes. The result aliases the input.
func (r *reader) str(limit int) []byte {
	if len(r.b) == 0 {
		r.fail(errTruncated)
		return nil
	}
	c := r.b[0]
	r.b = r.b[1:]
	var n uint64
	switch {
	case c&0xe0 == mpFixStr:
		n = uint64(c & 0x1f)
	case c == mpStr8:
		n = r.be(1)
	case c == mpStr16:
		n = r.be(2)
	case c == mpStr32:
		n = r.be(4)
	default:
		r.fail(errNotStr)
		return nil
	}
	switch {
	case n > uint64(limit):
		r.fail(errStrLong)
		return nil
	case n > uint64(len(r.b)):
		r.fail(errShort)
		return nil
	}
	s := r.b[:n:n]
	r.b = r.b[n:]
	return s
}

// string reads a string of at most limit bytes into *dst, keeping the string
// already there when it is equal, so re-decoding allocates nothing.
func (r *reader) string(dst *string, limit int) {
	if s := r.str(limit); string(s) != *dst {
		*dst = string(s)
	}
}

// message starts decoding a message of type t with n elements, its type
// included: the type is checked before the count, so another message type
// reports ErrWrongType rather than a shape error.
func (r *reader) message(b []byte, t MsgType, n int) {
	*r = reader{b: b}
	got := r.arrayHeader()
	if r.err != nil {
		return
	}
	if got == 0 {
		r.fail(errNoType)
		return
	}
	if typ := r.u64(); r.err == nil && typ != uint64(t) {
		r.fail(fmt.Errorf("%w: got %d, want %d", ErrWrongType, typ, t))
	}
	if got != n {
		r.fail(errCount)
	}
}

// done ends decoding: the whole message must have been read.
func (r *reader) done() error {
	if r.err == nil && len(r.b) != 0 {
		r.err = errTrailing
	}
	return r.err
}
