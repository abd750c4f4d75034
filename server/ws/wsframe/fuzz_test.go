package wsframe

import (
	"bytes"
	"testing"
)

// FuzzParser feeds arbitrary bytes at once and in pieces: the parser
// never panics, gives the same messages and the same error however the
// bytes are cut, and never hands out a message over its limit.
func FuzzParser(f *testing.F) {
	f.Add(cat(fr(true, OpBinary, []byte("hello")), fr(true, OpPing, nil)), uint8(3))
	f.Add(cat(fr(false, OpBinary, []byte("a")), fr(true, OpPong, nil), fr(true, OpContinuation, []byte("b"))), uint8(1))
	f.Add(fr(true, OpClose, closePayload(1000, "bye")), uint8(2))
	f.Add([]byte{0x82, 0x80 | 127, 0x80, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}, uint8(5))
	f.Add(fr(true, OpBinary, make([]byte, 300)), uint8(7))
	const limit = 1000
	f.Fuzz(func(t *testing.T, in []byte, cut uint8) {
		whole := parseChunks(limit, [][]byte{bytes.Clone(in)})
		pieces := parseChunks(limit, splits(bytes.Clone(in), int(cut)+1))
		if whole.String() != pieces.String() {
			t.Fatalf("at once %s, in pieces of %d %s", whole, int(cut)+1, pieces)
		}
		for _, m := range whole.msgs {
			if len(m) > limit+16 {
				t.Fatalf("a message of %d bytes passed a limit of %d", len(m), limit)
			}
		}
	})
}
