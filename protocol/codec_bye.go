package protocol

import "math"

// Bye: [16, code, reason].

func (*Bye) Type() MsgType { return MsgBye }

func (m *Bye) Append(b []byte) []byte {
	b = header(b, MsgBye, 3)
	b = appendUint(b, uint64(m.Code))
	return appendStr(b, m.Reason)
}

func (m *Bye) Decode(b []byte) error {
	var r reader
	r.message(b, MsgBye, 3)
	m.Code = uint16(r.uint(math.MaxUint16))
	r.string(&m.Reason, MaxCloseReason)
	return r.done()
}
