package replay

import (
	"errors"
	"fmt"
	"math"
)

// The msgpack subset a recording uses: integers, strings, binary and
// arrays, each in its smallest form (the protocol package's style; its
// helpers are its own, so this package keeps a small copy).

const (
	mpUint8   = 0xcc
	mpUint16  = 0xcd
	mpUint32  = 0xce
	mpUint64  = 0xcf
	mpInt8    = 0xd0
	mpInt16   = 0xd1
	mpInt32   = 0xd2
	mpInt64   = 0xd3
	mpBin8    = 0xc4
	mpBin16   = 0xc5
	mpBin32   = 0xc6
	mpStr8    = 0xd9
	mpStr16   = 0xda
	mpStr32   = 0xdb
	mpArray16 = 0xdc
	mpArray32 = 0xdd

	mpFixArray = 0x90
	mpFixStr   = 0xa0
)

func appendUint(b []byte, v uint64) []byte {
	switch {
	case v < 0x80:
		return append(b, byte(v))
	case v <= 0xff:
		return append(b, mpUint8, byte(v))
	case v <= 0xffff:
		return append(b, mpUint16, byte(v>>8), byte(v))
	case v <= 0xffffffff:
		return append(b, mpUint32, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
	}
	return append(b, mpUint64, byte(v>>56), byte(v>>48), byte(v>>40), byte(v>>32),
		byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}

func appendInt(b []byte, v int64) []byte {
	switch {
	case v >= 0:
		return appendUint(b, uint64(v))
	case v >= -32:
		return append(b, byte(v))
	case v >= -1<<7:
		return append(b, mpInt8, byte(v))
	case v >= -1<<15:
		return append(b, mpInt16, byte(v>>8), byte(v))
	case v >= -1<<31:
		return append(b, mpInt32, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
	}
	return append(b, mpInt64, byte(v>>56), byte(v>>48), byte(v>>40), byte(v>>32),
		byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}

func appendStr(b []byte, s string) []byte {
	n := len(s)
	switch {
	case n < 32:
		b = append(b, mpFixStr|byte(n))
	case n <= 0xff:
		b = append(b, mpStr8, byte(n))
	case n <= 0xffff:
		b = append(b, mpStr16, byte(n>>8), byte(n))
	default:
		b = append(b, mpStr32, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	return append(b, s...)
}

func appendBin(b []byte, p []byte) []byte {
	n := len(p)
	switch {
	case n <= 0xff:
		b = append(b, mpBin8, byte(n))
	case n <= 0xffff:
		b = append(b, mpBin16, byte(n>>8), byte(n))
	default:
		b = append(b, mpBin32, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	return append(b, p...)
}

func appendArray(b []byte, n int) []byte {
	switch {
	case n < 16:
		return append(b, mpFixArray|byte(n))
	case n <= 0xffff:
		return append(b, mpArray16, byte(n>>8), byte(n))
	}
	return append(b, mpArray32, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}

// ErrMalformed is wrapped by every error about bytes that are not a
// recording.
var ErrMalformed = errors.New("replay: malformed recording")

var (
	errTruncated = fmt.Errorf("%w: truncated record", ErrMalformed)
	errNotInt    = fmt.Errorf("%w: expected an integer", ErrMalformed)
	errRange     = fmt.Errorf("%w: integer out of range", ErrMalformed)
	errNotArray  = fmt.Errorf("%w: expected an array", ErrMalformed)
	errNotStr    = fmt.Errorf("%w: expected a string", ErrMalformed)
	errNotBin    = fmt.Errorf("%w: expected binary", ErrMalformed)
	errLong      = fmt.Errorf("%w: length beyond the end of the record", ErrMalformed)
)

// reader reads msgpack values from the front of b with sticky errors: the
// first error is kept and later reads return zero values.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
	r.b = nil
}

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

// integer reads any integer as an int64 and reports whether it fit.
func (r *reader) integer() int64 {
	if len(r.b) == 0 {
		r.fail(errTruncated)
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	switch {
	case c < 0x80:
		return int64(c)
	case c >= 0xe0:
		return int64(int8(c))
	}
	switch c {
	case mpUint8:
		return int64(r.be(1))
	case mpUint16:
		return int64(r.be(2))
	case mpUint32:
		return int64(r.be(4))
	case mpUint64:
		v := r.be(8)
		if v > math.MaxInt64 {
			r.fail(errRange)
			return 0
		}
		return int64(v)
	case mpInt8:
		return int64(int8(r.be(1)))
	case mpInt16:
		return int64(int16(r.be(2)))
	case mpInt32:
		return int64(int32(r.be(4)))
	case mpInt64:
		return int64(r.be(8))
	}
	r.fail(errNotInt)
	return 0
}

// u64 reads an unsigned integer of up to 64 bits.
func (r *reader) u64() uint64 {
	if len(r.b) > 0 && r.b[0] == mpUint64 {
		r.b = r.b[1:]
		return r.be(8)
	}
	v := r.integer()
	if v < 0 {
		r.fail(errRange)
		return 0
	}
	return uint64(v)
}

// ranged reads an integer in [lo, hi].
func (r *reader) ranged(lo, hi int64) int64 {
	v := r.integer()
	if v < lo || v > hi {
		r.fail(errRange)
		return 0
	}
	return v
}

func (r *reader) u32() uint32 { return uint32(r.ranged(0, math.MaxUint32)) }
func (r *reader) i32() int32  { return int32(r.ranged(math.MinInt32, math.MaxInt32)) }

func (r *reader) array(limit int) int {
	if len(r.b) == 0 {
		r.fail(errTruncated)
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	var n int
	switch {
	case c&0xf0 == mpFixArray:
		n = int(c & 0x0f)
	case c == mpArray16:
		n = int(r.be(2))
	case c == mpArray32:
		n = int(min(r.be(4), math.MaxInt32))
	default:
		r.fail(errNotArray)
		return 0
	}
	if n > limit || n > len(r.b) {
		r.fail(errLong)
		return 0
	}
	return n
}

func (r *reader) str(limit int) string {
	if len(r.b) == 0 {
		r.fail(errTruncated)
		return ""
	}
	c := r.b[0]
	r.b = r.b[1:]
	var n int
	switch {
	case c&0xe0 == mpFixStr:
		n = int(c & 0x1f)
	case c == mpStr8:
		n = int(r.be(1))
	case c == mpStr16:
		n = int(r.be(2))
	case c == mpStr32:
		n = int(min(r.be(4), math.MaxInt32))
	default:
		r.fail(errNotStr)
		return ""
	}
	if n > limit || n > len(r.b) {
		r.fail(errLong)
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

func (r *reader) bin(limit int) []byte {
	if len(r.b) == 0 {
		r.fail(errTruncated)
		return nil
	}
	c := r.b[0]
	r.b = r.b[1:]
	var n int
	switch c {
	case mpBin8:
		n = int(r.be(1))
	case mpBin16:
		n = int(r.be(2))
	case mpBin32:
		n = int(min(r.be(4), math.MaxInt32))
	default:
		r.fail(errNotBin)
		return nil
	}
	if n > limit || n > len(r.b) {
		r.fail(errLong)
		return nil
	}
	p := r.b[:n:n]
	r.b = r.b[n:]
	return p
}
