package msgp_test

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/skirmishgg/skirmish/protocol/msgp"
	"github.com/vmihailenco/msgpack/v5"
)

// TestIntegersInterop: every integer form msgp writes is the smallest,
// msgpack's reference Go library reads it as the same value, and msgp
// reads what the library writes.
func TestIntegersInterop(t *testing.T) {
	for _, v := range []int64{0, 1, 127, 128, 255, 256, 65535, 65536, math.MaxUint32, math.MaxUint32 + 1, math.MaxInt64,
		-1, -32, -33, -128, -129, -32768, -32769, math.MinInt32, math.MinInt32 - 1, math.MinInt64} {
		b := msgp.AppendInt(nil, v)
		var got int64
		if err := msgpack.Unmarshal(b, &got); err != nil || got != v {
			t.Errorf("%d: the library read % x as %d, %v", v, b, got, err)
		}
		theirs, _ := msgpack.Marshal(v)
		r := msgp.Reader{B: theirs}
		if back := r.Int(math.MinInt64, math.MaxInt64); r.Err != nil || back != v {
			t.Errorf("%d: read the library's % x as %d, %v", v, theirs, back, r.Err)
		}
		if len(b) > len(theirs) {
			t.Errorf("%d: % x is longer than the library's % x", v, b, theirs)
		}
	}
}

// TestValuesInterop: strings, bins, booleans, nil and arrays round-trip
// through the reference library both ways, at every header size.
func TestValuesInterop(t *testing.T) {
	for _, n := range []int{0, 31, 32, 255, 256, 65535, 65536} {
		s := strings.Repeat("x", n)
		b := msgp.AppendStr(nil, s)
		b = msgp.AppendBin(b, []byte(s))
		b = msgp.AppendBool(b, true)
		b = msgp.AppendNil(b)
		b = msgp.AppendArray(b, n)
		for range n {
			b = msgp.AppendUint(b, 1)
		}
		dec := msgpack.NewDecoder(bytes.NewReader(b))
		gs, err1 := dec.DecodeString()
		gb, err2 := dec.DecodeBytes()
		gt, err3 := dec.DecodeBool()
		err4 := dec.DecodeNil()
		ga, err5 := dec.DecodeArrayLen()
		if err := errors.Join(err1, err2, err3, err4, err5); err != nil || gs != s || string(gb) != s || !gt || ga != n {
			t.Fatalf("%d: the library read wrong values: %v", n, err)
		}
		var theirs bytes.Buffer
		enc := msgpack.NewEncoder(&theirs)
		enc.EncodeString(s)
		enc.EncodeBytes([]byte(s))
		enc.EncodeBool(false)
		enc.EncodeNil()
		enc.EncodeArrayLen(n)
		for range n {
			enc.EncodeUint(1)
		}
		r := msgp.Reader{B: theirs.Bytes()}
		rs, rb, rt := string(r.Str(n)), string(r.Bin(n)), r.Bool()
		r.Nil()
		if ra := r.Array(n); r.Err != nil || rs != s || rb != s || rt || ra != n {
			t.Fatalf("%d: read the library's wrong: %v", n, r.Err)
		}
	}
}

// TestReservedHeaders: arrays and bins written before their size is
// known end up in their smallest form, their contents intact.
func TestReservedHeaders(t *testing.T) {
	for _, n := range []int{0, 15, 16, 255, 256, 65535, 65536} {
		b, at := msgp.BeginArray([]byte{0xaa})
		for i := range n {
			b = msgp.AppendUint(b, uint64(i%100))
		}
		b = msgp.EndArray(b, at, n)
		if want := msgp.AppendArray([]byte{0xaa}, n); !bytes.Equal(b[:len(want)], want) {
			t.Errorf("array of %d: header % x, want % x", n, b[:len(want)], want)
		}
		r := msgp.Reader{B: b[1:]}
		if got := r.Array(n); got != n || r.U8() != 0 {
			t.Errorf("array of %d: read %d, %v", n, got, r.Err)
		}
		p := bytes.Repeat([]byte{7}, n)
		b, at = msgp.BeginBin([]byte{0xaa})
		b = msgp.EndBin(append(b, p...), at)
		if want := msgp.AppendBin([]byte{0xaa}, p); !bytes.Equal(b, want) {
			t.Errorf("bin of %d: % x..., want % x...", n, b[:min(8, len(b))], want[:min(8, len(want))])
		}
	}
}

// TestReaderErrors: each way of being wrong fails with its error, the
// caller's own when it gives Errors, and every read after it gives zero.
func TestReaderErrors(t *testing.T) {
	mine := errors.New("mine")
	errs := &msgp.Errors{Truncated: mine, NotInt: mine, Range: mine, NotArray: mine, NotStr: mine, NotBin: mine, NotBool: mine, NotNil: mine, Short: mine, ArrayLong: mine, StrLong: mine}
	for _, tc := range []struct {
		name string
		b    []byte
		read func(r *msgp.Reader)
		want error
	}{
		{"truncated", []byte{msgp.Uint16, 1}, func(r *msgp.Reader) { r.U16() }, msgp.DefaultErrors.Truncated},
		{"not an int", []byte{msgp.FixStr}, func(r *msgp.Reader) { r.U8() }, msgp.DefaultErrors.NotInt},
		{"out of range", []byte{msgp.Uint16, 1, 0}, func(r *msgp.Reader) { r.U8() }, msgp.DefaultErrors.Range},
		{"negative for unsigned", []byte{0xff}, func(r *msgp.Reader) { r.U32() }, msgp.DefaultErrors.Range},
		{"not an array", []byte{0x01}, func(r *msgp.Reader) { r.Array(9) }, msgp.DefaultErrors.NotArray},
		{"array over limit", []byte{0x93, 1, 2, 3}, func(r *msgp.Reader) { r.Array(2) }, msgp.DefaultErrors.ArrayLong},
		{"array past the end", []byte{0x93, 1}, func(r *msgp.Reader) { r.Array(9) }, msgp.DefaultErrors.Short},
		{"str over limit", []byte{0xa3, 'a', 'b', 'c'}, func(r *msgp.Reader) { r.Str(2) }, msgp.DefaultErrors.StrLong},
		{"str past the end", []byte{0xa3, 'a'}, func(r *msgp.Reader) { r.Str(9) }, msgp.DefaultErrors.Short},
		{"not a bin", []byte{0xa0}, func(r *msgp.Reader) { r.Bin(9) }, msgp.DefaultErrors.NotBin},
		{"bin past the end", []byte{msgp.Bin32, 0xff, 0xff, 0xff, 0xff}, func(r *msgp.Reader) { r.Bin(1 << 40) }, msgp.DefaultErrors.Short},
		{"not a bool", []byte{msgp.Nil}, func(r *msgp.Reader) { r.Bool() }, msgp.DefaultErrors.NotBool},
		{"not nil", []byte{msgp.True}, func(r *msgp.Reader) { r.Nil() }, msgp.DefaultErrors.NotNil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := msgp.Reader{B: tc.b}
			tc.read(&r)
			if r.Err != tc.want || !errors.Is(r.Err, msgp.ErrMalformed) {
				t.Errorf("err %v, want %v", r.Err, tc.want)
			}
			if v := r.U64(); v != 0 || r.Err != tc.want {
				t.Errorf("a read after the error: %d, %v", v, r.Err)
			}
			r = msgp.Reader{B: tc.b, Errs: errs}
			tc.read(&r)
			if r.Err != mine {
				t.Errorf("with the caller's errors: %v", r.Err)
			}
		})
	}
}

// FuzzReader reads any bytes as a stream of values of every kind, never
// panicking or reading past them, and anything it reads as an integer,
// string or bin writes back in no more bytes than it took.
func FuzzReader(f *testing.F) {
	f.Add(msgp.AppendArray(msgp.AppendInt(msgp.AppendStr(nil, "ab"), -300), 3))
	f.Add([]byte{msgp.Bin32, 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{msgp.Array32, 0x7f, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		r := msgp.Reader{B: b}
		for i := 0; len(r.B) > 0 && r.Err == nil; i++ {
			before := len(r.B)
			var again []byte
			switch i % 6 {
			case 0:
				if v, neg := r.Integer(); r.Err == nil {
					if neg {
						again = msgp.AppendInt(nil, int64(v))
					} else {
						again = msgp.AppendUint(nil, v)
					}
				}
			case 1:
				if s := r.Str(1 << 20); r.Err == nil {
					again = msgp.AppendStr(nil, string(s))
				}
			case 2:
				if p := r.Bin(1 << 20); r.Err == nil {
					again = msgp.AppendBin(nil, p)
				}
			case 3:
				r.Array(1 << 20)
			case 4:
				r.Bool()
			case 5:
				r.Nil()
			}
			if r.Err != nil {
				if !errors.Is(r.Err, msgp.ErrMalformed) {
					t.Fatalf("error %v", r.Err)
				}
				break
			}
			if taken := before - len(r.B); taken <= 0 || len(again) > taken {
				t.Fatalf("took %d bytes, writes back as %d", taken, len(again))
			}
		}
	})
}
