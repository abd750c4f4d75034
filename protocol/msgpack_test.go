package protocol

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math"
	"strings"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAppendSmallestForms(t *testing.T) {
	tests := []struct {
		got  []byte
		want string
	}{
		{appendNil(nil), "c0"},
		{appendBool(nil, false), "c2"},
		{appendBool(nil, true), "c3"},
		{appendUint(nil, 0), "00"},
		{appendUint(nil, 127), "7f"},
		{appendUint(nil, 128), "cc80"},
		{appendUint(nil, 255), "ccff"},
		{appendUint(nil, 256), "cd0100"},
		{appendUint(nil, 65535), "cdffff"},
		{appendUint(nil, 65536), "ce00010000"},
		{appendUint(nil, math.MaxUint32), "ceffffffff"},
		{appendUint(nil, math.MaxUint32+1), "cf0000000100000000"},
		{appendUint(nil, math.MaxUint64), "cfffffffffffffffff"},
		{appendInt(nil, 0), "00"},
		{appendInt(nil, 127), "7f"},
		{appendInt(nil, 200), "ccc8"},
		{appendInt(nil, -1), "ff"},
		{appendInt(nil, -32), "e0"},
		{appendInt(nil, -33), "d0df"},
		{appendInt(nil, -128), "d080"},
		{appendInt(nil, -129), "d1ff7f"},
		{appendInt(nil, -32768), "d18000"},
		{appendInt(nil, -32769), "d2ffff7fff"},
		{appendInt(nil, math.MinInt32), "d280000000"},
		{appendInt(nil, math.MinInt32-1), "d3ffffffff7fffffff"},
		{appendInt(nil, math.MinInt64), "d38000000000000000"},
		{appendInt(nil, math.MaxInt64), "cf7fffffffffffffff"},
		{appendStr(nil, ""), "a0"},
		{appendStr(nil, "ab"), "a26162"},
		{appendStr(nil, strings.Repeat("x", 31))[:1], "bf"},
		{appendStr(nil, strings.Repeat("x", 32))[:2], "d920"},
		{appendStr(nil, strings.Repeat("x", 256))[:3], "da0100"},
		{appendStr(nil, strings.Repeat("x", 65536))[:5], "db00010000"},
		{appendArray(nil, 0), "90"},
		{appendArray(nil, 15), "9f"},
		{appendArray(nil, 16), "dc0010"},
		{appendArray(nil, 65535), "dcffff"},
		{appendArray(nil, 65536), "dd00010000"},
	}
	for _, tt := range tests {
		if got := hex.EncodeToString(tt.got); got != tt.want {
			t.Errorf("got %s, want %s", got, tt.want)
		}
	}
}

// TestReaderAcceptsWideForms: a third-party encoder may pick any width.
func TestReaderAcceptsWideForms(t *testing.T) {
	for _, enc := range []string{"05", "cc05", "cd0005", "ce00000005", "cf0000000000000005",
		"d005", "d10005", "d200000005", "d30000000000000005"} {
		r := newReader(unhex(t, enc))
		if v := r.u8(); r.Err != nil || v != 5 || len(r.B) != 0 {
			t.Errorf("u8(%s) = %d, %v", enc, v, r.Err)
		}
		r = newReader(unhex(t, enc))
		if v := r.i8(); r.Err != nil || v != 5 {
			t.Errorf("i8(%s) = %d, %v", enc, v, r.Err)
		}
	}
	for _, enc := range []string{"fb", "d0fb", "d1fffb", "d2fffffffb", "d3fffffffffffffffb"} {
		r := newReader(unhex(t, enc))
		if v := r.i32(); r.Err != nil || v != -5 {
			t.Errorf("i32(%s) = %d, %v", enc, v, r.Err)
		}
	}
}

func TestReaderRange(t *testing.T) {
	tests := []struct {
		enc  string
		read func(r *reader)
	}{
		{"ff", func(r *reader) { r.u32() }},                 // -1 unsigned
		{"d0ff", func(r *reader) { r.u8() }},                // -1 unsigned
		{"cd0100", func(r *reader) { r.u8() }},              // 256
		{"ce00010000", func(r *reader) { r.u16() }},         // 65536
		{"cf0000000100000000", func(r *reader) { r.u32() }}, // 2^32
		{"cc80", func(r *reader) { r.i8() }},                // 128
		{"d1ff7f", func(r *reader) { r.i8() }},              // -129
		{"ce80000000", func(r *reader) { r.i32() }},         // 2^31
		{"d3ffffffff7fffffff", func(r *reader) { r.i32() }}, // -2^31-1
		{"cfffffffffffffffff", func(r *reader) { r.int(math.MinInt64, math.MaxInt64) }},
	}
	for _, tt := range tests {
		r := newReader(unhex(t, tt.enc))
		tt.read(&r)
		if !errors.Is(r.Err, ErrMalformed) {
			t.Errorf("%s: err %v, want ErrMalformed", tt.enc, r.Err)
		}
	}
	r := newReader(unhex(t, "cfffffffffffffffff"))
	if v := r.u64(); r.Err != nil || v != math.MaxUint64 {
		t.Errorf("u64 max = %d, %v", v, r.Err)
	}
	r = newReader(unhex(t, "d38000000000000000"))
	if v := r.int(math.MinInt64, math.MaxInt64); r.Err != nil || v != math.MinInt64 {
		t.Errorf("int64 min = %d, %v", v, r.Err)
	}
}

func TestReaderRoundTrip(t *testing.T) {
	var b []byte
	ints := []int64{0, 1, -1, 31, -32, -33, 127, 128, -128, -129, 255, 256, 32767, -32768,
		65535, 65536, math.MaxInt32, math.MinInt32, math.MaxUint32, math.MaxInt64, math.MinInt64}
	for _, v := range ints {
		b = appendInt(b, v)
	}
	b = appendNil(b)
	b = appendBool(b, true)
	b = appendStr(b, "héllo")
	b = appendArray(b, 70000)
	r := newReader(b)
	for _, want := range ints {
		if got := r.int(math.MinInt64, math.MaxInt64); got != want {
			t.Errorf("got %d, want %d", got, want)
		}
	}
	r.nil()
	if !r.bool() {
		t.Error("bool: want true")
	}
	s := "héllo"
	r.string(&s, 10)
	if n := r.arrayHeader(); n != 70000 {
		t.Errorf("array header %d", n)
	}
	if r.Err != nil || len(r.B) != 0 {
		t.Fatalf("err %v, %d bytes left", r.Err, len(r.B))
	}
}

func TestReaderBounds(t *testing.T) {
	tests := []struct {
		enc  string
		read func(r *reader)
		want error
	}{
		{"", func(r *reader) { r.u32() }, ErrMalformed},
		{"cd01", func(r *reader) { r.u32() }, ErrMalformed},
		{"a3616263", func(r *reader) { r.str(2) }, ErrLimit},
		{"a36162", func(r *reader) { r.str(8) }, ErrMalformed},
		{"db7fff000061", func(r *reader) { r.str(math.MaxInt32) }, ErrMalformed},
		{"dbffffffff61", func(r *reader) { r.str(8) }, ErrLimit},
		{"dd7fff000001", func(r *reader) { r.array(math.MaxInt32) }, ErrMalformed},
		{"ddffffffff01", func(r *reader) { r.array(8) }, ErrLimit},
		{"9301", func(r *reader) { r.array(8) }, ErrMalformed},
		{"80", func(r *reader) { r.array(8) }, ErrMalformed}, // a map
		{"c1", func(r *reader) { r.u8() }, ErrMalformed},
		{"c0", func(r *reader) { r.bool() }, ErrMalformed},
		{"c2", func(r *reader) { r.nil() }, ErrMalformed},
		{"01", func(r *reader) { r.str(8) }, ErrMalformed},
	}
	for _, tt := range tests {
		r := newReader(unhex(t, tt.enc))
		tt.read(&r)
		if !errors.Is(r.Err, tt.want) {
			t.Errorf("%q: err %v, want %v", tt.enc, r.Err, tt.want)
		}
		// Sticky: later reads fail too and return zero values.
		if v := r.u32(); v != 0 || r.Err == nil {
			t.Errorf("%q: read after error gave %d, %v", tt.enc, v, r.Err)
		}
	}
}

func TestReaderStringReuse(t *testing.T) {
	b := appendStr(nil, "alice")
	s := "alice"
	before := s
	allocs := testing.AllocsPerRun(100, func() {
		r := newReader(b)
		r.string(&s, 32)
	})
	if allocs != 0 || s != before {
		t.Errorf("re-reading an equal string: %v allocs", allocs)
	}
}

func TestZigzag(t *testing.T) {
	tests := []struct {
		v int64
		u uint64
	}{{0, 0}, {-1, 1}, {1, 2}, {-2, 3}, {63, 126}, {-64, 127}, {64, 128},
		{math.MaxUint32, maxZigzag}, {-math.MaxUint32, maxZigzag - 1},
		{math.MaxInt64, math.MaxUint64 - 1}, {math.MinInt64, math.MaxUint64}}
	for _, tt := range tests {
		if got := zigzag(tt.v); got != tt.u {
			t.Errorf("zigzag(%d) = %d, want %d", tt.v, got, tt.u)
		}
		if got := unzigzag(tt.u); got != tt.v {
			t.Errorf("unzigzag(%d) = %d, want %d", tt.u, got, tt.v)
		}
	}
}

func TestEndArrayShrinksHeader(t *testing.T) {
	for _, n := range []int{0, 1, 15, 16, 65535, 65536, 70000} {
		b := []byte{0xee}
		b, start := beginArray(b)
		for i := range n {
			b = append(b, byte(i%128))
		}
		b = endArray(b, start, n)
		want := appendArray([]byte{0xee}, n)
		for i := range n {
			want = append(want, byte(i%128))
		}
		if !bytes.Equal(b, want) {
			t.Errorf("n=%d: header %x, want %x", n, b[:min(len(b), 6)], want[:min(len(want), 6)])
		}
	}
}
