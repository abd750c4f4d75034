package wsframe

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestAutobahnCases runs the Autobahn TestSuite's cases that apply to a
// server's frame reader (sections 1 to 7: framing, pings and pongs,
// reserved bits, opcodes, fragmentation, UTF-8 in close reasons, close
// handling), each fed at once, a byte at a time and in random pieces.
// Section 6 (UTF-8 in text messages) does not apply: this server refuses
// every text message with 1003, valid or not. Autobahn's 7.9 lists 1012
// to 1014 as invalid; they were registered since (the server sends 1013
// itself), so they are accepted, as coder/websocket does.
func TestAutobahnCases(t *testing.T) {
	const limit = 1 << 20
	s125 := strings.Repeat("*", 125)
	s126 := strings.Repeat("*", 126)
	b64k := strings.Repeat("\xfe", 65536)
	r123 := strings.Repeat("r", 123)
	tests := []struct {
		name string
		in   []byte
		want []string
		code uint16
	}{
		// 1: framing.
		{"1.1.1 empty text", fr(true, OpText, nil), []string{msg(OpText, "")}, 0},
		{"1.1.2 text 125", fr(true, OpText, []byte(s125)), []string{msg(OpText, s125)}, 0},
		{"1.1.3 text 126", fr(true, OpText, []byte(s126)), []string{msg(OpText, s126)}, 0},
		{"1.2.1 empty binary", fr(true, OpBinary, nil), []string{msg(OpBinary, "")}, 0},
		{"1.2.6 binary 65536", fr(true, OpBinary, []byte(b64k)), []string{msg(OpBinary, b64k)}, 0},
		{"1.2.7 binary 65535", fr(true, OpBinary, []byte(b64k[:65535])), []string{msg(OpBinary, b64k[:65535])}, 0},
		{"non-minimal 16-bit length", []byte{0x82, 0x80 | 126, 0, 1, 0, 0, 0, 0, 'x'}, []string{msg(OpBinary, "x")}, 0},
		{"non-minimal 64-bit length", []byte{0x82, 0x80 | 127, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 'x'}, []string{msg(OpBinary, "x")}, 0},
		{"64-bit length with its top bit", []byte{0x82, 0x80 | 127, 0x80, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}, nil, CloseProtocolError},
		{"unmasked", []byte{0x82, 0x01, 'x'}, nil, CloseProtocolError},
		{"too big", fr(true, OpBinary, make([]byte, limit+1)), nil, CloseTooBig},
		{"huge announced length", []byte{0x82, 0x80 | 127, 0, 0, 1, 0, 0, 0, 0, 0, 1, 2, 3, 4}, nil, CloseTooBig},
		// 2: pings and pongs.
		{"2.1 ping", fr(true, OpPing, nil), []string{msg(OpPing, "")}, 0},
		{"2.2 ping with payload", fr(true, OpPing, []byte("Hello, world!")), []string{msg(OpPing, "Hello, world!")}, 0},
		{"2.3 ping with binary payload", fr(true, OpPing, []byte{0, 0xff, 0xfe, 0xfd}), []string{msg(OpPing, "\x00\xff\xfe\xfd")}, 0},
		{"2.4 ping 125", fr(true, OpPing, []byte(s125)), []string{msg(OpPing, s125)}, 0},
		{"2.5 ping 126", fr(true, OpPing, []byte(s126)), nil, CloseProtocolError},
		{"2.7 unsolicited pong", fr(true, OpPong, nil), []string{msg(OpPong, "")}, 0},
		{"2.9 pong then ping", cat(fr(true, OpPong, []byte("p")), fr(true, OpPing, []byte("q"))), []string{msg(OpPong, "p"), msg(OpPing, "q")}, 0},
		{"2.10 ten pings", bytes.Repeat(fr(true, OpPing, []byte("x")), 10), slices.Repeat([]string{msg(OpPing, "x")}, 10), 0},
		// 3: reserved bits (no extension is negotiated).
		{"3.1 RSV1 text", rawFrame(0x80|0x40|OpText, []byte("x")), nil, CloseProtocolError},
		{"3.2 RSV2 after a valid text", cat(fr(true, OpText, []byte("ok")), rawFrame(0x80|0x20|OpText, []byte("x"))), []string{msg(OpText, "ok")}, CloseProtocolError},
		{"3.4 RSV1|RSV3", rawFrame(0x80|0x50|OpBinary, []byte("x")), nil, CloseProtocolError},
		{"3.6 RSV on a ping", rawFrame(0x80|0x30|OpPing, []byte("x")), nil, CloseProtocolError},
		{"3.7 RSV on a close", rawFrame(0x80|0x70|OpClose, nil), nil, CloseProtocolError},
		// 4: opcodes.
		{"4.1.1 opcode 3", fr(true, 3, nil), nil, CloseProtocolError},
		{"4.1.5 opcode 7 after a text", cat(fr(true, OpText, []byte("ok")), fr(true, 7, []byte("x"))), []string{msg(OpText, "ok")}, CloseProtocolError},
		{"4.2.1 opcode 11", fr(true, 11, nil), nil, CloseProtocolError},
		{"4.2.5 opcode 15", fr(true, 15, []byte("x")), nil, CloseProtocolError},
		// 5: fragmentation.
		{"5.1 fragmented ping", cat(fr(false, OpPing, []byte("a")), fr(true, OpContinuation, []byte("b"))), nil, CloseProtocolError},
		{"5.2 fragmented pong", cat(fr(false, OpPong, []byte("a")), fr(true, OpContinuation, []byte("b"))), nil, CloseProtocolError},
		{"5.3 two fragments", cat(fr(false, OpText, []byte("frag1")), fr(true, OpContinuation, []byte("frag2"))), []string{msg(OpText, "frag1frag2")}, 0},
		{"5.6 ping between fragments", cat(fr(false, OpBinary, []byte("a")), fr(true, OpPing, []byte("p")), fr(true, OpContinuation, []byte("b"))), []string{msg(OpPing, "p"), msg(OpBinary, "ab")}, 0},
		{"5.9 continuation first", cat(fr(true, OpContinuation, []byte("x")), fr(true, OpText, []byte("y"))), nil, CloseProtocolError},
		{"5.12 unfragmented continuation", fr(false, OpContinuation, []byte("x")), nil, CloseProtocolError},
		{"5.15 new start inside a message", cat(fr(false, OpText, []byte("a")), fr(false, OpText, []byte("b"))), nil, CloseProtocolError},
		{"5.17 binary start inside a text", cat(fr(false, OpText, []byte("a")), fr(true, OpBinary, []byte("b"))), nil, CloseProtocolError},
		{"5.19 pings inside many fragments", cat(fr(false, OpBinary, []byte("a")), fr(false, OpContinuation, []byte("b")), fr(true, OpPing, nil), fr(false, OpContinuation, []byte("c")), fr(true, OpPong, nil), fr(true, OpContinuation, []byte("d"))),
			[]string{msg(OpPing, ""), msg(OpPong, ""), msg(OpBinary, "abcd")}, 0},
		{"fragments over the limit", cat(fr(false, OpBinary, make([]byte, limit/2)), fr(true, OpContinuation, make([]byte, limit/2+1))), nil, CloseTooBig},
		// 7: closing.
		{"7.1.1 message then close", cat(fr(true, OpText, []byte("hi")), fr(true, OpClose, closePayload(1000, ""))), []string{msg(OpText, "hi"), closeMsg(1000, "")}, 0},
		{"7.1.2 close twice", cat(fr(true, OpClose, closePayload(1000, "")), fr(true, OpClose, closePayload(1000, ""))), []string{closeMsg(1000, "")}, 0},
		{"7.1.3 ping after close", cat(fr(true, OpClose, closePayload(1000, "")), fr(true, OpPing, nil)), []string{closeMsg(1000, "")}, 0},
		{"7.1.4 text after close", cat(fr(true, OpClose, closePayload(1000, "")), fr(true, OpText, []byte("x"))), []string{closeMsg(1000, "")}, 0},
		{"7.1.5 close inside a fragmented message", cat(fr(false, OpText, []byte("a")), fr(true, OpClose, closePayload(1000, "")), fr(true, OpContinuation, []byte("b"))), []string{closeMsg(1000, "")}, 0},
		{"7.1.6 garbage after close", cat(fr(true, OpClose, closePayload(1000, "")), []byte{0xff, 0xff}), []string{closeMsg(1000, "")}, 0},
		{"7.3.1 empty close", fr(true, OpClose, nil), []string{closeMsg(CloseNoStatus, "")}, 0},
		{"7.3.2 one-byte close", fr(true, OpClose, []byte{0x03}), nil, CloseProtocolError},
		{"7.3.3 close code only", fr(true, OpClose, closePayload(1000, "")), []string{closeMsg(1000, "")}, 0},
		{"7.3.4 close with reason", fr(true, OpClose, closePayload(1000, "Hello World!")), []string{closeMsg(1000, "Hello World!")}, 0},
		{"7.3.5 longest reason", fr(true, OpClose, closePayload(1000, r123)), []string{closeMsg(1000, r123)}, 0},
		{"7.3.6 reason too long", fr(true, OpClose, closePayload(1000, r123+"r")), nil, CloseProtocolError},
		{"7.5.1 reason not UTF-8", fr(true, OpClose, closePayload(1000, "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80\x65\x64\x69\x74\x65\x64")), nil, CloseInvalidData},
		{"7.7.13 code 4999", fr(true, OpClose, closePayload(4999, "")), []string{closeMsg(4999, "")}, 0},
		{"close 1013", fr(true, OpClose, closePayload(1013, "later")), []string{closeMsg(1013, "later")}, 0},
	}
	for _, code := range []uint16{1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000} {
		tests = append(tests, struct {
			name string
			in   []byte
			want []string
			code uint16
		}{"7.7 valid code", fr(true, OpClose, closePayload(code, "")), []string{closeMsg(code, "")}, 0})
	}
	for _, code := range []uint16{0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535} {
		tests = append(tests, struct {
			name string
			in   []byte
			want []string
			code uint16
		}{"7.9 invalid code", fr(true, OpClose, closePayload(code, "")), nil, CloseProtocolError})
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := got{msgs: tt.want, code: tt.code}
			feeds := map[string][][]byte{
				"at once":     {bytes.Clone(tt.in)},
				"bytewise":    splits(bytes.Clone(tt.in), 1),
				"random cuts": randomCuts(rng, bytes.Clone(tt.in)),
			}
			for how, chunks := range feeds {
				if g := parseChunks(limit, chunks); g.String() != want.String() {
					t.Errorf("%s: got %s, want %s", how, g, want)
				}
			}
		})
	}
}

func randomCuts(rng *rand.Rand, b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		n := min(len(b), 1+rng.IntN(200))
		out = append(out, b[:n:n])
		b = b[n:]
	}
	return out
}

// TestStateStaysSmall checks that a parser holds no bytes of its own
// between reads that end on frame boundaries, keeps only the cut frame
// otherwise, and lets an assembled message go.
func TestStateStaysSmall(t *testing.T) {
	p := Parser{Limit: 4096}
	drain := func() (n int) {
		for {
			_, ok, err := p.Next()
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				return n
			}
			n++
		}
	}
	in := cat(fr(true, OpBinary, []byte("one")), fr(true, OpBinary, []byte("two")))
	p.Feed(in)
	if n := drain(); n != 2 || p.Buffered() != 0 {
		t.Fatalf("%d messages, %d bytes kept; want 2 and 0", n, p.Buffered())
	}
	cut := fr(true, OpBinary, []byte("three"))
	p.Feed(cut[:4])
	if n := drain(); n != 0 || p.Buffered() != 4 {
		t.Fatalf("cut frame: %d messages, %d bytes kept; want 0 and 4", n, p.Buffered())
	}
	p.Feed(cut[4:])
	if n := drain(); n != 1 || p.Buffered() != 0 {
		t.Fatalf("completed frame: %d messages, %d bytes kept; want 1 and 0", n, p.Buffered())
	}
	p.Feed(cat(fr(false, OpBinary, []byte("ab")), fr(true, OpContinuation, []byte("cd"))))
	if n := drain(); n != 1 || p.Buffered() != 0 {
		t.Fatalf("fragmented: %d messages, %d bytes kept; want 1 and 0", n, p.Buffered())
	}
}

// TestMessagesAliasTheRead checks that the messages of one read are
// slices of the read's buffer, unmasked in place: no copy.
func TestMessagesAliasTheRead(t *testing.T) {
	in := cat(fr(true, OpBinary, []byte("hello")), fr(true, OpPing, []byte("p")))
	p := Parser{Limit: 4096}
	p.Feed(in)
	m, ok, err := p.Next()
	if !ok || err != nil || string(m.Payload) != "hello" {
		t.Fatalf("got %q, %v, %v", m.Payload, ok, err)
	}
	if &m.Payload[0] != &in[6] {
		t.Error("the message is a copy, not a slice of the read")
	}
}

// TestKeepHandsOver checks that a parser keeps the unread rest of a read
// when asked, so the read buffer may be reused by another reader.
func TestKeepHandsOver(t *testing.T) {
	in := cat(fr(true, OpBinary, []byte("hello")), fr(true, OpBinary, []byte("next")), fr(true, OpBinary, []byte("cut"))[:3])
	p := Parser{Limit: 4096}
	p.Feed(in)
	if m, ok, _ := p.Next(); !ok || string(m.Payload) != "hello" {
		t.Fatalf("first message %q", m.Payload)
	}
	p.Keep()
	clear(in) // the reader reuses its buffer
	p.Feed(fr(true, OpBinary, []byte("cut"))[3:])
	var msgs []string
	for {
		m, ok, err := p.Next()
		if err != nil || !ok {
			break
		}
		msgs = append(msgs, string(m.Payload))
	}
	if strings.Join(msgs, ",") != "next,cut" {
		t.Fatalf("after the hand-over: %q, want next and cut", msgs)
	}
}

func TestAppendClose(t *testing.T) {
	long := strings.Repeat("é", 100) // 200 bytes: cut on a rune boundary
	tests := []struct {
		code   uint16
		reason string
		want   []byte
	}{
		{1000, "", []byte{0x88, 2, 0x03, 0xe8}},
		{4002, "bye", append([]byte{0x88, 5}, append(binary.BigEndian.AppendUint16(nil, 4002), "bye"...)...)},
		{CloseNoStatus, "ignored", []byte{0x88, 0}},
	}
	for _, tt := range tests {
		if got := AppendClose(nil, tt.code, tt.reason); !bytes.Equal(got, tt.want) {
			t.Errorf("AppendClose(%d, %q) = %x, want %x", tt.code, tt.reason, got, tt.want)
		}
	}
	b := AppendClose(nil, 1008, long)
	if len(b) > 2+MaxControlPayload || b[1] != byte(len(b)-2) {
		t.Fatalf("long reason: %d bytes, length byte %d", len(b), b[1])
	}
	if _, err := closeMessage(b[2:]); err != nil {
		t.Fatalf("the cut reason does not parse back: %v", err)
	}
}

func TestAppendHeader(t *testing.T) {
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
		if got := AppendHeader(nil, OpBinary, tt.n); !bytes.Equal(got, tt.hdr) {
			t.Errorf("header of %d bytes: %x, want %x", tt.n, got, tt.hdr)
		}
		if b := AppendBinary(nil, make([]byte, tt.n)); !bytes.Equal(b[:len(tt.hdr)], tt.hdr) || len(b) != len(tt.hdr)+tt.n {
			t.Errorf("binary frame of %d bytes: %d bytes, header %x", tt.n, len(b), b[:len(tt.hdr)])
		}
	}
}

func BenchmarkParseInputs(b *testing.B) {
	in := bytes.Repeat(fr(true, OpBinary, make([]byte, 40)), 16)
	buf := make([]byte, len(in))
	p := Parser{Limit: 4096}
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		copy(buf, in)
		p.Feed(buf)
		for {
			_, ok, err := p.Next()
			if err != nil || !ok {
				break
			}
		}
	}
}
