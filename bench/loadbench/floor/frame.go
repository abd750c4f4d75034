package floor

import (
	"encoding/binary"
	"fmt"
)

// WebSocket opcodes (RFC 6455 section 5.2).
const (
	opContinuation = 0x0
	opText         = 0x1
	opBinary       = 0x2
	opClose        = 0x8
	opPing         = 0x9
	opPong         = 0xA
)

// Close codes the frame parser and the server send.
const (
	closeNormal        = 1000
	closeProtocolError = 1002
	closeUnsupported   = 1003
	closeTooBig        = 1009
)

// maxControlPayload is the largest payload of a control frame.
const maxControlPayload = 125

// frame is one parsed client frame; payload aliases the input, unmasked.
type frame struct {
	fin     bool
	op      byte
	payload []byte
}

// closeError is a peer's mistake and the close frame that answers it.
type closeError struct {
	code   uint16
	reason string
}

func (e *closeError) Error() string { return fmt.Sprintf("websocket: close %d: %s", e.code, e.reason) }

func protocolError(format string, a ...any) *closeError {
	return &closeError{code: closeProtocolError, reason: fmt.Sprintf(format, a...)}
}

// parseFrame parses the client frame at the start of b, whose payload may
// be at most maxPayload bytes, and undoes its mask in place. It returns
// the frame and the bytes it took; n == 0 with a nil error means b holds
// only part of a frame. A frame a server must refuse (unmasked, reserved
// bits or opcodes, a bad control frame, a payload over the limit) is a
// *closeError.
func parseFrame(b []byte, maxPayload int) (f frame, n int, err error) {
	if len(b) < 2 {
		return frame{}, 0, nil
	}
	b0, b1 := b[0], b[1]
	if b0&0x70 != 0 {
		return frame{}, 0, protocolError("reserved bits set without an extension")
	}
	f.fin = b0&0x80 != 0
	f.op = b0 & 0x0F
	switch f.op {
	case opContinuation, opText, opBinary:
	case opClose, opPing, opPong:
		if !f.fin {
			return frame{}, 0, protocolError("fragmented control frame")
		}
	default:
		return frame{}, 0, protocolError("reserved opcode %#x", f.op)
	}
	if b1&0x80 == 0 {
		return frame{}, 0, protocolError("unmasked client frame")
	}
	size := uint64(b1 & 0x7F)
	hdr := 2
	switch size {
	case 126:
		if len(b) < 4 {
			return frame{}, 0, nil
		}
		size, hdr = uint64(binary.BigEndian.Uint16(b[2:])), 4
	case 127:
		if len(b) < 10 {
			return frame{}, 0, nil
		}
		size, hdr = binary.BigEndian.Uint64(b[2:]), 10
		if size>>63 != 0 {
			return frame{}, 0, protocolError("payload length with its top bit set")
		}
	}
	if f.op >= opClose && size > maxControlPayload {
		return frame{}, 0, protocolError("control frame of %d bytes", size)
	}
	if size > uint64(maxPayload) {
		return frame{}, 0, &closeError{code: closeTooBig, reason: fmt.Sprintf("frame of %d bytes, at most %d", size, maxPayload)}
	}
	end := hdr + 4 + int(size)
	if len(b) < end {
		return frame{}, 0, nil
	}
	key := b[hdr : hdr+4]
	f.payload = b[hdr+4 : end]
	unmask(f.payload, key)
	return f, end, nil
}

// unmask XORs p with the 4-byte key in place, eight bytes at a time.
func unmask(p, key []byte) {
	k32 := binary.LittleEndian.Uint32(key)
	k64 := uint64(k32) | uint64(k32)<<32
	for len(p) >= 8 {
		binary.LittleEndian.PutUint64(p, binary.LittleEndian.Uint64(p)^k64)
		p = p[8:]
	}
	for i := range p {
		p[i] ^= key[i&3]
	}
}

// appendFrameHeader appends the header of an unmasked, final server frame
// of opcode op with an n-byte payload.
func appendFrameHeader(b []byte, op byte, n int) []byte {
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

// appendFrame appends a whole server frame.
func appendFrame(b []byte, op byte, payload []byte) []byte {
	return append(appendFrameHeader(b, op, len(payload)), payload...)
}

// appendClose appends a close frame with code and reason (cut to fit a
// control frame).
func appendClose(b []byte, code uint16, reason string) []byte {
	if len(reason) > maxControlPayload-2 {
		reason = reason[:maxControlPayload-2]
	}
	b = appendFrameHeader(b, opClose, 2+len(reason))
	b = binary.BigEndian.AppendUint16(b, code)
	return append(b, reason...)
}
