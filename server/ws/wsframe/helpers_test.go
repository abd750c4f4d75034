package wsframe

import (
	"encoding/binary"
	"errors"
	"fmt"
)

var testKey = [4]byte{0x37, 0xfa, 0x21, 0x3d}

// frame encodes a masked client frame with the first byte b0 (FIN, RSV
// and opcode as given), minimal length.
func rawFrame(b0 byte, payload []byte) []byte {
	b := []byte{b0}
	switch n := len(payload); {
	case n < 126:
		b = append(b, 0x80|byte(n))
	case n <= 0xFFFF:
		b = binary.BigEndian.AppendUint16(append(b, 0x80|126), uint16(n))
	default:
		b = binary.BigEndian.AppendUint64(append(b, 0x80|127), uint64(n))
	}
	b = append(b, testKey[:]...)
	for i, c := range payload {
		b = append(b, c^testKey[i&3])
	}
	return b
}

// fr is a final (or not) client frame of opcode op.
func fr(fin bool, op byte, payload []byte) []byte {
	if fin {
		op |= 0x80
	}
	return rawFrame(op, payload)
}

func closePayload(code uint16, reason string) []byte {
	return append(binary.BigEndian.AppendUint16(nil, code), reason...)
}

// got is what a parser made of some bytes: its messages, then its error.
type got struct {
	msgs []string // "op:payload"
	code uint16   // close code of the error, 0 for none
}

func (g got) String() string { return fmt.Sprintf("%q, error %d", g.msgs, g.code) }

func describe(m Message) string {
	if m.Op == OpClose {
		return fmt.Sprintf("%x:%d:%s", m.Op, m.Code, m.Reason())
	}
	return fmt.Sprintf("%x:%s", m.Op, m.Payload)
}

// parseChunks feeds the chunks one by one and collects the messages
// (copied: they are valid only until the next call).
func parseChunks(limit int, chunks [][]byte) got {
	p := Parser{Limit: limit}
	var g got
	for _, c := range chunks {
		p.Feed(c)
		for {
			m, ok, err := p.Next()
			if err != nil {
				var ce *CloseError
				if !errors.As(err, &ce) {
					panic(err)
				}
				g.code = ce.Code
				return g
			}
			if !ok {
				break
			}
			g.msgs = append(g.msgs, describe(m))
		}
	}
	return g
}

// splits cuts b in pieces of n bytes.
func splits(b []byte, n int) [][]byte {
	var out [][]byte
	for len(b) > n {
		out = append(out, b[:n:n])
		b = b[n:]
	}
	return append(out, b)
}

func cat(frames ...[]byte) []byte {
	var b []byte
	for _, f := range frames {
		b = append(b, f...)
	}
	return b
}

func msg(op byte, payload string) string { return fmt.Sprintf("%x:%s", op, payload) }

func closeMsg(code uint16, reason string) string {
	return fmt.Sprintf("%x:%d:%s", OpClose, code, reason)
}
