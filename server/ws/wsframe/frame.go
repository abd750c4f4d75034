package wsframe

import (
	"encoding/binary"
	"fmt"
)

// Opcodes (RFC 6455 section 5.2).
const (
	OpContinuation byte = 0x0
	OpText         byte = 0x1
	OpBinary       byte = 0x2
	OpClose        byte = 0x8
	OpPing         byte = 0x9
	OpPong         byte = 0xA
)

// Close codes the parser answers with (RFC 6455 section 7.4.1).
const (
	CloseNormal        uint16 = 1000
	CloseProtocolError uint16 = 1002
	CloseUnsupported   uint16 = 1003
	CloseNoStatus      uint16 = 1005 // never on the wire: a close frame without a code
	CloseInvalidData   uint16 = 1007
	CloseTooBig        uint16 = 1009
)

// MaxControlPayload is the largest payload of a control frame.
const MaxControlPayload = 125

// CloseError is a client's breach of the protocol and the close frame that
// answers it.
type CloseError struct {
	Code   uint16
	Reason string
}

func (e *CloseError) Error() string { return fmt.Sprintf("websocket: close %d: %s", e.Code, e.Reason) }

func protocolError(format string, a ...any) *CloseError {
	return &CloseError{Code: CloseProtocolError, Reason: fmt.Sprintf(format, a...)}
}

// header is a parsed frame header.
type header struct {
	fin  bool
	op   byte
	size uint64 // payload bytes
	hdr  int    // header bytes, the mask key included
	key  [4]byte
}

// parseHeader parses the client frame header at the start of b, its mask
// key included; ok is false when b holds only part of it.
func parseHeader(b []byte) (h header, ok bool, err error) {
	if len(b) < 2 {
		return h, false, nil
	}
	b0, b1 := b[0], b[1]
	if b0&0x70 != 0 {
		return h, false, protocolError("reserved bits set without an extension")
	}
	h.fin = b0&0x80 != 0
	h.op = b0 & 0x0F
	switch h.op {
	case OpContinuation, OpText, OpBinary:
	case OpClose, OpPing, OpPong:
		if !h.fin {
			return h, false, protocolError("fragmented control frame")
		}
	default:
		return h, false, protocolError("reserved opcode %#x", h.op)
	}
	if b1&0x80 == 0 {
		return h, false, protocolError("unmasked client frame")
	}
	size := uint64(b1 & 0x7F)
	h.hdr = 2
	// Non-minimal length encodings (a 16- or 64-bit length that would fit
	// a shorter one) are accepted: RFC 6455 asks senders for the minimal
	// one but does not ask receivers to refuse the others.
	switch size {
	case 126:
		if len(b) < 4 {
			return h, false, nil
		}
		size, h.hdr = uint64(binary.BigEndian.Uint16(b[2:])), 4
	case 127:
		if len(b) < 10 {
			return h, false, nil
		}
		size, h.hdr = binary.BigEndian.Uint64(b[2:]), 10
		if size>>63 != 0 {
			return h, false, protocolError("payload length with its top bit set")
		}
	}
	if h.op >= OpClose && size > MaxControlPayload {
		return h, false, protocolError("control frame of %d bytes", size)
	}
	if len(b) < h.hdr+4 {
		return h, false, nil
	}
	copy(h.key[:], b[h.hdr:h.hdr+4])
	h.hdr += 4
	h.size = size
	return h, true, nil
}

func tooBig(max int) *CloseError {
	return &CloseError{Code: CloseTooBig, Reason: fmt.Sprintf("read limited at %d bytes", max)}
}

// unmask XORs p with the 4-byte key in place, eight bytes at a time.
func unmask(p []byte, key [4]byte) {
	k32 := binary.LittleEndian.Uint32(key[:])
	k64 := uint64(k32) | uint64(k32)<<32
	for len(p) >= 8 {
		binary.LittleEndian.PutUint64(p, binary.LittleEndian.Uint64(p)^k64)
		p = p[8:]
	}
	for i := range p {
		p[i] ^= key[i&3]
	}
}
