package msgp

import (
	"errors"
	"fmt"
	"math"
)

// ErrMalformed is wrapped by the default errors (DefaultErrors).
var ErrMalformed = errors.New("msgp: malformed")

// Errors are what a Reader fails with, one per way bytes can be wrong. A
// user of the package wraps its own sentinels in them, preallocated, so
// its callers match its errors and a rejection allocates nothing.
type Errors struct {
	Truncated error // the bytes end inside a value
	NotInt    error // an integer was expected
	Range     error // an integer out of the range asked for
	NotArray  error
	NotStr    error
	NotBin    error
	NotBool   error
	NotNil    error
	Short     error // a length beyond the end of the bytes
	ArrayLong error // an array over the limit asked for
	StrLong   error // a string or bin over the limit asked for
}

// NewErrors returns a reader's errors, each wrapping malformed: a
// caller's own sentinel, so that its decode errors answer errors.Is with
// it. Made once per caller, so a refusal allocates nothing.
func NewErrors(malformed error) *Errors {
	return &Errors{
		Truncated: fmt.Errorf("%w: truncated", malformed),
		NotInt:    fmt.Errorf("%w: expected an integer", malformed),
		Range:     fmt.Errorf("%w: integer out of range", malformed),
		NotArray:  fmt.Errorf("%w: expected an array", malformed),
		NotStr:    fmt.Errorf("%w: expected a string", malformed),
		NotBin:    fmt.Errorf("%w: expected binary", malformed),
		NotBool:   fmt.Errorf("%w: expected a boolean", malformed),
		NotNil:    fmt.Errorf("%w: expected nil", malformed),
		Short:     fmt.Errorf("%w: length beyond the end", malformed),
		ArrayLong: fmt.Errorf("%w: array too long", malformed),
		StrLong:   fmt.Errorf("%w: string too long", malformed),
	}
}

// DefaultErrors are used by a Reader without Errors.
var DefaultErrors = NewErrors(ErrMalformed)

// Reader reads values from the front of B. Every read checks bounds
// first; nothing is allocated. Errors are sticky: the first one is kept
// in Err, B is emptied, and every later read returns a zero value, so a
// decoder reads a whole message and checks Err once (loops stop too,
// since a failed array header counts 0).
type Reader struct {
	B    []byte // the unread bytes
	Err  error
	Errs *Errors // nil: DefaultErrors
}

func (r *Reader) errs() *Errors {
	if r.Errs == nil {
		return DefaultErrors
	}
	return r.Errs
}

// Fail records err, unless an error came first, and stops reading.
func (r *Reader) Fail(err error) {
	if r.Err == nil {
		r.Err = err
	}
	r.B = nil
}

// BE reads an n-byte big-endian unsigned integer.
func (r *Reader) BE(n int) uint64 {
	if len(r.B) < n {
		r.Fail(r.errs().Truncated)
		return 0
	}
	var v uint64
	for _, c := range r.B[:n] {
		v = v<<8 | uint64(c)
	}
	r.B = r.B[n:]
	return v
}

// Integer reads any integer. A negative value comes back as its two's
// complement with neg set.
func (r *Reader) Integer() (v uint64, neg bool) {
	if len(r.B) == 0 {
		r.Fail(r.errs().Truncated)
		return 0, false
	}
	c := r.B[0]
	r.B = r.B[1:]
	switch {
	case c < 0x80:
		return uint64(c), false
	case c >= 0xe0:
		return uint64(int64(int8(c))), true
	}
	switch c {
	case Uint8:
		return r.BE(1), false
	case Uint16:
		return r.BE(2), false
	case Uint32:
		return r.BE(4), false
	case Uint64:
		return r.BE(8), false
	case Int8:
		v = uint64(int64(int8(r.BE(1))))
	case Int16:
		v = uint64(int64(int16(r.BE(2))))
	case Int32:
		v = uint64(int64(int32(r.BE(4))))
	case Int64:
		v = r.BE(8)
	default:
		r.Fail(r.errs().NotInt)
		return 0, false
	}
	return v, int64(v) < 0
}

// Uint reads an integer in [0, max], whatever its encoding; max is at
// least 0x7f. The positive fixint, most values, is read inline.
func (r *Reader) Uint(max uint64) uint64 {
	if b := r.B; len(b) > 0 && b[0] < 0x80 {
		r.B = b[1:]
		return uint64(b[0])
	}
	return r.uintSlow(max)
}

func (r *Reader) uintSlow(max uint64) uint64 {
	v, neg := r.Integer()
	if neg || v > max {
		r.Fail(r.errs().Range)
		return 0
	}
	return v
}

// Int reads an integer in [min, max], whatever its encoding.
func (r *Reader) Int(min, max int64) int64 {
	v, neg := r.Integer()
	if neg && int64(v) < min || !neg && v > uint64(max) {
		r.Fail(r.errs().Range)
		return 0
	}
	return int64(v)
}

// Fixed-width reads, each failing with Errors.Range outside its type.
func (r *Reader) U8() uint8   { return uint8(r.Uint(math.MaxUint8)) }
func (r *Reader) U16() uint16 { return uint16(r.Uint(math.MaxUint16)) }
func (r *Reader) U32() uint32 { return uint32(r.Uint(math.MaxUint32)) }
func (r *Reader) U64() uint64 { return r.Uint(math.MaxUint64) }
func (r *Reader) I8() int8    { return int8(r.Int(math.MinInt8, math.MaxInt8)) }
func (r *Reader) I32() int32  { return int32(r.Int(math.MinInt32, math.MaxInt32)) }

// Bool reads a boolean.
func (r *Reader) Bool() bool {
	switch {
	case len(r.B) == 0:
		r.Fail(r.errs().Truncated)
	case r.B[0] == True || r.B[0] == False:
		v := r.B[0] == True
		r.B = r.B[1:]
		return v
	default:
		r.Fail(r.errs().NotBool)
	}
	return false
}

// Nil reads a nil.
func (r *Reader) Nil() {
	switch {
	case len(r.B) == 0:
		r.Fail(r.errs().Truncated)
	case r.B[0] == Nil:
		r.B = r.B[1:]
	default:
		r.Fail(r.errs().NotNil)
	}
}

// ArrayHeader reads an array header's count without judging it. A
// fixarray, the usual header, is read inline.
func (r *Reader) ArrayHeader() int {
	if b := r.B; len(b) > 0 && b[0]&0xf0 == FixArray {
		r.B = b[1:]
		return int(b[0] & 0x0f)
	}
	return r.arrayHeaderSlow()
}

func (r *Reader) arrayHeaderSlow() int {
	if len(r.B) == 0 {
		r.Fail(r.errs().Truncated)
		return 0
	}
	c := r.B[0]
	r.B = r.B[1:]
	switch {
	case c&0xf0 == FixArray:
		return int(c & 0x0f)
	case c == Array16:
		return int(r.BE(2))
	case c == Array32:
		// Clamped so that the count stays positive where int is 32 bits;
		// no limit comes near.
		return int(min(r.BE(4), math.MaxInt32))
	}
	r.Fail(r.errs().NotArray)
	return 0
}

// Array reads an array header of at most limit elements. Every element
// takes at least one byte, so a count beyond the unread bytes is a lie,
// caught before a caller sizes anything by it.
func (r *Reader) Array(limit int) int {
	n := r.ArrayHeader()
	switch {
	case n > limit:
		r.Fail(r.errs().ArrayLong)
		return 0
	case n > len(r.B):
		r.Fail(r.errs().Short)
		return 0
	}
	return n
}

// Str reads a string of at most limit bytes. The result aliases B.
func (r *Reader) Str(limit int) []byte {
	if len(r.B) == 0 {
		r.Fail(r.errs().Truncated)
		return nil
	}
	c := r.B[0]
	r.B = r.B[1:]
	var n uint64
	switch {
	case c&0xe0 == FixStr:
		n = uint64(c & 0x1f)
	case c == Str8:
		n = r.BE(1)
	case c == Str16:
		n = r.BE(2)
	case c == Str32:
		n = r.BE(4)
	default:
		r.Fail(r.errs().NotStr)
		return nil
	}
	return r.take(n, limit)
}

// Bin reads a bin of at most limit bytes. The result aliases B, its
// capacity capped at its length.
func (r *Reader) Bin(limit int) []byte {
	if len(r.B) == 0 {
		r.Fail(r.errs().Truncated)
		return nil
	}
	c := r.B[0]
	r.B = r.B[1:]
	var n uint64
	switch c {
	case Bin8:
		n = r.BE(1)
	case Bin16:
		n = r.BE(2)
	case Bin32:
		n = r.BE(4)
	default:
		r.Fail(r.errs().NotBin)
		return nil
	}
	return r.take(n, limit)
}

// take returns the next n bytes, which a header announced.
func (r *Reader) take(n uint64, limit int) []byte {
	switch {
	case r.Err != nil:
		return nil
	case n > uint64(limit):
		r.Fail(r.errs().StrLong)
		return nil
	case n > uint64(len(r.B)):
		r.Fail(r.errs().Short)
		return nil
	}
	s := r.B[:n:n]
	r.B = r.B[n:]
	return s
}
