package floor

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
)

// clientFrame encodes a masked client frame.
func clientFrame(fin bool, op byte, payload []byte, key [4]byte) []byte {
	b0 := op
	if fin {
		b0 |= 0x80
	}
	b := []byte{b0}
	switch n := len(payload); {
	case n < 126:
		b = append(b, 0x80|byte(n))
	case n <= 0xFFFF:
		b = binary.BigEndian.AppendUint16(append(b, 0x80|126), uint16(n))
	default:
		b = binary.BigEndian.AppendUint64(append(b, 0x80|127), uint64(n))
	}
	b = append(b, key[:]...)
	for i, c := range payload {
		b = append(b, c^key[i&3])
	}
	return b
}

func TestParseFrame(t *testing.T) {
	key := [4]byte{0x37, 0xfa, 0x21, 0x3d}
	long := bytes.Repeat([]byte("0123456789"), 30) // 300: a 16-bit length
	tests := []struct {
		name    string
		in      []byte
		max     int
		want    frame
		n       int
		errCode uint16 // 0: no error
	}{
		{"binary", clientFrame(true, opBinary, []byte("hello, world"), key), 1024, frame{true, opBinary, []byte("hello, world")}, 18 + 0, 0},
		{"16-bit length", clientFrame(true, opBinary, long, key), 1024, frame{true, opBinary, long}, 8 + 300, 0},
		{"fragment", clientFrame(false, opBinary, []byte("ab"), key), 1024, frame{false, opBinary, []byte("ab")}, 8, 0},
		{"continuation", clientFrame(true, opContinuation, []byte("c"), key), 1024, frame{true, opContinuation, []byte("c")}, 7, 0},
		{"ping", clientFrame(true, opPing, []byte("p"), key), 1024, frame{true, opPing, []byte("p")}, 7, 0},
		{"empty close", clientFrame(true, opClose, nil, key), 1024, frame{true, opClose, []byte{}}, 6, 0},
		{"one byte", []byte{0x82}, 1024, frame{}, 0, 0},
		{"short header", clientFrame(true, opBinary, long, key)[:3], 1024, frame{}, 0, 0},
		{"short payload", clientFrame(true, opBinary, []byte("hello"), key)[:8], 1024, frame{}, 0, 0},
		{"unmasked", []byte{0x82, 0x01, 'x'}, 1024, frame{}, 0, closeProtocolError},
		{"reserved bit", append([]byte{0xC2}, clientFrame(true, opBinary, []byte("x"), key)[1:]...), 1024, frame{}, 0, closeProtocolError},
		{"reserved opcode", clientFrame(true, 0x3, []byte("x"), key), 1024, frame{}, 0, closeProtocolError},
		{"fragmented ping", clientFrame(false, opPing, nil, key), 1024, frame{}, 0, closeProtocolError},
		{"long ping", clientFrame(true, opPing, long[:126], key), 1024, frame{}, 0, closeProtocolError},
		{"too big", clientFrame(true, opBinary, long, key), 100, frame{}, 0, closeTooBig},
		{"64-bit length top bit", []byte{0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}, 1024, frame{}, 0, closeProtocolError},
		{"64-bit length over limit", []byte{0x82, 0xFF, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}, 1024, frame{}, 0, closeTooBig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := bytes.Clone(tt.in)
			f, n, err := parseFrame(in, tt.max)
			if tt.errCode != 0 {
				ce, ok := errors.AsType[*closeError](err)
				if !ok || ce.code != tt.errCode {
					t.Fatalf("err = %v, want close %d", err, tt.errCode)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			wantN := tt.n
			if tt.want.payload != nil {
				wantN = len(tt.in)
			}
			if n != wantN || f.fin != tt.want.fin || f.op != tt.want.op || !bytes.Equal(f.payload, tt.want.payload) {
				t.Fatalf("got %+v, %d bytes; want %+v, %d bytes", f, n, tt.want, wantN)
			}
		})
	}
}

func TestUnmaskMatchesBytewise(t *testing.T) {
	key := []byte{1, 2, 3, 4}
	for n := range 40 {
		p := make([]byte, n)
		for i := range p {
			p[i] = byte(i * 7)
		}
		want := bytes.Clone(p)
		for i := range want {
			want[i] ^= key[i&3]
		}
		unmask(p, key)
		if !bytes.Equal(p, want) {
			t.Fatalf("%d bytes: %x, want %x", n, p, want)
		}
	}
}

func TestServerFrames(t *testing.T) {
	tests := []struct {
		n   int
		hdr []byte
	}{
		{0, []byte{0x82, 0}},
		{125, []byte{0x82, 125}},
		{126, []byte{0x82, 126, 0, 126}},
		{65535, []byte{0x82, 126, 0xFF, 0xFF}},
		{65536, []byte{0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0}},
	}
	for _, tt := range tests {
		if got := appendFrameHeader(nil, opBinary, tt.n); !bytes.Equal(got, tt.hdr) {
			t.Errorf("header of %d bytes: %x, want %x", tt.n, got, tt.hdr)
		}
	}
	c := appendClose(nil, 1003, string(bytes.Repeat([]byte("r"), 200)))
	if len(c) != 2+maxControlPayload || c[0] != 0x88 || binary.BigEndian.Uint16(c[2:]) != 1003 {
		t.Errorf("close frame %x: want a %d-byte payload with code 1003", c[:4], maxControlPayload)
	}
}

// FuzzParseFrame checks that any input parses without a panic, within its
// bounds, and that a frame built from the inputs parses back to them.
func FuzzParseFrame(f *testing.F) {
	f.Add([]byte{0x82, 0x85, 1, 2, 3, 4, 'h', 'e', 'l', 'l', 'o'}, byte(opBinary), true, []byte("hi"), uint32(0x01020304))
	f.Add([]byte{0x82, 0xFE, 0x01, 0x00}, byte(opPing), true, []byte{}, uint32(0))
	f.Fuzz(func(t *testing.T, raw []byte, op byte, fin bool, payload []byte, key uint32) {
		f, n, err := parseFrame(raw, 1024)
		if err == nil && (n < 0 || n > len(raw) || len(f.payload) > 1024) {
			t.Fatalf("took %d bytes of %d, payload %d", n, len(raw), len(f.payload))
		}
		var k [4]byte
		binary.BigEndian.PutUint32(k[:], key)
		op &= 0x0F
		in := clientFrame(fin, op, payload, k)
		f, n, err = parseFrame(in, 1024)
		valid := (op <= opBinary || op >= opClose && op <= opPong && fin && len(payload) <= maxControlPayload) && len(payload) <= 1024
		if valid != (err == nil) {
			t.Fatalf("op %#x fin %v %d bytes: err = %v", op, fin, len(payload), err)
		}
		if valid && (n != len(in) || f.op != op || f.fin != fin || !bytes.Equal(f.payload, payload)) {
			t.Fatalf("round trip: %+v, %d bytes of %d", f, n, len(in))
		}
	})
}
