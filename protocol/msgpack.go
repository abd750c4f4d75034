package protocol

// The msgpack subset the protocol uses: nil, booleans, integers, strings and
// arrays. Encoders always pick the smallest form, so an encoding is
// canonical and a 1-byte positive fixint carries most snapshot values.

// msgpack type bytes.
const (
	mpNil     = 0xc0
	mpFalse   = 0xc2
	mpTrue    = 0xc3
	mpUint8   = 0xcc
	mpUint16  = 0xcd
	mpUint32  = 0xce
	mpUint64  = 0xcf
	mpInt8    = 0xd0
	mpInt16   = 0xd1
	mpInt32   = 0xd2
	mpInt64   = 0xd3
	mpStr8    = 0xd9
	mpStr16   = 0xda
	mpStr32   = 0xdb
	mpArray16 = 0xdc
	mpArray32 = 0xdd

	mpFixArray = 0x90 // | n, n < 16
	mpFixStr   = 0xa0 // | n, n < 32
)

func appendNil(b []byte) []byte { return append(b, mpNil) }

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, mpTrue)
	}
	return append(b, mpFalse)
}

// appendUint appends v in its smallest unsigned form.
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

// appendInt appends v in its smallest form: non-negative values as unsigned
// ones (as msgpack's own encoders do), negative ones as a negative fixint or
// the narrowest signed type.
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

// appendStr appends s as a msgpack str (raw bytes; the protocol's strings
// are meant to be UTF-8 but the codec does not police it).
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

// appendArray appends the header of an array of n elements.
func appendArray(b []byte, n int) []byte {
	switch {
	case n < 16:
		return append(b, mpFixArray|byte(n))
	case n <= 0xffff:
		return append(b, mpArray16, byte(n>>8), byte(n))
	}
	return append(b, mpArray32, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}

// A section whose count is known only after its elements are written
// reserves an array16 header and shrinks it afterwards: one pass over the
// data, and the header still ends up in its smallest form.
const reservedArray = 3

// beginArray reserves room for an array header at len(b).
func beginArray(b []byte) ([]byte, int) {
	return append(b, mpArray16, 0, 0), len(b)
}

// endArray writes the header of the n-element array begun at start, moving
// the elements when the smallest header is not 3 bytes long.
func endArray(b []byte, start, n int) []byte {
	switch {
	case n < 16:
		b[start] = mpFixArray | byte(n)
		copy(b[start+1:], b[start+reservedArray:])
		return b[:len(b)-2]
	case n <= 0xffff:
		b[start+1], b[start+2] = byte(n>>8), byte(n)
		return b
	}
	b = append(b, 0, 0)
	copy(b[start+5:], b[start+reservedArray:len(b)-2])
	b[start] = mpArray32
	b[start+1], b[start+2], b[start+3], b[start+4] = byte(n>>24), byte(n>>16), byte(n>>8), byte(n)
	return b
}

// zigzag maps signed to unsigned so that small magnitudes of either sign
// stay small: 0, -1, 1, -2, 2... become 0, 1, 2, 3, 4...
func zigzag(v int64) uint64 { return uint64(v<<1) ^ uint64(v>>63) }

func unzigzag(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }
