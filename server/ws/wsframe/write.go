package wsframe

import (
	"encoding/binary"
	"unicode/utf8"
)

// AppendHeader appends the header of an unmasked, final server frame of
// opcode op with an n-byte payload.
func AppendHeader(b []byte, op byte, n int) []byte {
	b = append(b, 0x80|op)
	switch {
	case n < 126:
		return append(b, byte(n))
	case n <= 0xFFFF:
		return binary.BigEndian.AppendUint16(append(b, 126), uint16(n))
	default:
		return binary.BigEndian.AppendUint64(append(b, 127), uint64(n))
	}
}

// AppendBinary appends one binary message as a single frame.
func AppendBinary(b, payload []byte) []byte {
	return append(AppendHeader(b, OpBinary, len(payload)), payload...)
}

// AppendPong appends the pong that answers a ping with payload (at most
// MaxControlPayload bytes, as the parser guarantees).
func AppendPong(b, payload []byte) []byte {
	return append(AppendHeader(b, OpPong, len(payload)), payload...)
}

// AppendClose appends a close frame with code and reason. The reason is
// cut to fit a control frame, on a UTF-8 boundary. CloseNoStatus writes a
// close frame without a code.
func AppendClose(b []byte, code uint16, reason string) []byte {
	if code == CloseNoStatus {
		return AppendHeader(b, OpClose, 0)
	}
	if len(reason) > MaxControlPayload-2 {
		reason = reason[:MaxControlPayload-2]
		for len(reason) > 0 && !utf8.ValidString(reason) {
			reason = reason[:len(reason)-1]
		}
	}
	b = AppendHeader(b, OpClose, 2+len(reason))
	b = binary.BigEndian.AppendUint16(b, code)
	return append(b, reason...)
}
