// Package msgp is the msgpack subset Skirmish writes and reads: nil,
// booleans, integers, strings, binary and arrays, every value in its
// smallest form, so an encoding is canonical. It is the one codec of the
// wire protocol (package protocol) and of match recordings (package
// replay); each keeps its own message layouts and limits on top.
//
// It imports only the standard library and allocates nothing: appends
// grow the caller's buffer, and a Reader reads in place with sticky,
// preallocated errors the caller may choose (Errors), so rejecting hostile
// bytes costs no allocation.
package msgp

// Type bytes.
const (
	Nil     = 0xc0
	False   = 0xc2
	True    = 0xc3
	Bin8    = 0xc4
	Bin16   = 0xc5
	Bin32   = 0xc6
	Uint8   = 0xcc
	Uint16  = 0xcd
	Uint32  = 0xce
	Uint64  = 0xcf
	Int8    = 0xd0
	Int16   = 0xd1
	Int32   = 0xd2
	Int64   = 0xd3
	Str8    = 0xd9
	Str16   = 0xda
	Str32   = 0xdb
	Array16 = 0xdc
	Array32 = 0xdd

	FixArray = 0x90 // | n, n < 16
	FixStr   = 0xa0 // | n, n < 32
)

// AppendNil appends nil.
func AppendNil(b []byte) []byte { return append(b, Nil) }

// AppendBool appends a boolean.
func AppendBool(b []byte, v bool) []byte {
	if v {
		return append(b, True)
	}
	return append(b, False)
}

// AppendUint appends v in its smallest unsigned form.
func AppendUint(b []byte, v uint64) []byte {
	switch {
	case v < 0x80:
		return append(b, byte(v))
	case v <= 0xff:
		return append(b, Uint8, byte(v))
	case v <= 0xffff:
		return append(b, Uint16, byte(v>>8), byte(v))
	case v <= 0xffffffff:
		return append(b, Uint32, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
	}
	return append(b, Uint64, byte(v>>56), byte(v>>48), byte(v>>40), byte(v>>32),
		byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}

// AppendInt appends v in its smallest form: non-negative values as
// unsigned ones (as msgpack's own encoders do), negative ones as a
// negative fixint or the narrowest signed type.
func AppendInt(b []byte, v int64) []byte {
	switch {
	case v >= 0:
		return AppendUint(b, uint64(v))
	case v >= -32:
		return append(b, byte(v))
	case v >= -1<<7:
		return append(b, Int8, byte(v))
	case v >= -1<<15:
		return append(b, Int16, byte(v>>8), byte(v))
	case v >= -1<<31:
		return append(b, Int32, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
	}
	return append(b, Int64, byte(v>>56), byte(v>>48), byte(v>>40), byte(v>>32),
		byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}

// AppendStr appends s as a str (raw bytes: the codec does not police
// UTF-8).
func AppendStr(b []byte, s string) []byte {
	n := len(s)
	switch {
	case n < 32:
		b = append(b, FixStr|byte(n))
	case n <= 0xff:
		b = append(b, Str8, byte(n))
	case n <= 0xffff:
		b = append(b, Str16, byte(n>>8), byte(n))
	default:
		b = append(b, Str32, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	return append(b, s...)
}

// AppendBin appends p as a bin.
func AppendBin(b []byte, p []byte) []byte {
	n := len(p)
	switch {
	case n <= 0xff:
		b = append(b, Bin8, byte(n))
	case n <= 0xffff:
		b = append(b, Bin16, byte(n>>8), byte(n))
	default:
		b = append(b, Bin32, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	return append(b, p...)
}

// AppendArray appends the header of an array of n elements.
func AppendArray(b []byte, n int) []byte {
	switch {
	case n < 16:
		return append(b, FixArray|byte(n))
	case n <= 0xffff:
		return append(b, Array16, byte(n>>8), byte(n))
	}
	return append(b, Array32, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}

// An array whose count is known only after its elements are written
// reserves an array16 header (BeginArray) and shrinks it afterwards
// (EndArray): one pass over the data, and the header still ends up in its
// smallest form.
const ReservedArray = 3

// BeginArray reserves room for an array header at len(b) and returns
// where it starts.
func BeginArray(b []byte) ([]byte, int) {
	return append(b, Array16, 0, 0), len(b)
}

// EndArray writes the header of the n-element array begun at start,
// moving the elements when the smallest header is not 3 bytes long.
func EndArray(b []byte, start, n int) []byte {
	switch {
	case n < 16:
		b[start] = FixArray | byte(n)
		copy(b[start+1:], b[start+ReservedArray:])
		return b[:len(b)-2]
	case n <= 0xffff:
		b[start+1], b[start+2] = byte(n>>8), byte(n)
		return b
	}
	b = append(b, 0, 0)
	copy(b[start+5:], b[start+ReservedArray:len(b)-2])
	b[start] = Array32
	b[start+1], b[start+2], b[start+3], b[start+4] = byte(n>>24), byte(n>>16), byte(n>>8), byte(n)
	return b
}

// Zigzag maps signed to unsigned so that small magnitudes of either sign
// stay small: 0, -1, 1, -2, 2... become 0, 1, 2, 3, 4...
func Zigzag(v int64) uint64 { return uint64(v<<1) ^ uint64(v>>63) }

// Unzigzag undoes Zigzag.
func Unzigzag(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

// BeginBin reserves room for a bin header at len(b), as BeginArray does
// for an array, and returns where it starts.
func BeginBin(b []byte) ([]byte, int) {
	return append(b, Bin16, 0, 0), len(b)
}

// EndBin writes the header of the bin begun at start, whose bytes are all
// that follows it, in its smallest form.
func EndBin(b []byte, start int) []byte {
	n := len(b) - start - 3
	switch {
	case n <= 0xff:
		b[start], b[start+1] = Bin8, byte(n)
		copy(b[start+2:], b[start+3:])
		return b[:len(b)-1]
	case n <= 0xffff:
		b[start+1], b[start+2] = byte(n>>8), byte(n)
		return b
	}
	b = append(b, 0, 0)
	copy(b[start+5:], b[start+3:len(b)-2])
	b[start] = Bin32
	b[start+1], b[start+2], b[start+3], b[start+4] = byte(n>>24), byte(n>>16), byte(n>>8), byte(n)
	return b
}
