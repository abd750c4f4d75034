package protocol

import (
	"fmt"
	"slices"
)

// Message encodings, one array per message in the order messages.go lists
// the fields. Decoders demand exactly that many elements and no trailing
// bytes; on error the message holds unspecified (but memory-safe) contents.

func (*Hello) Type() MsgType    { return MsgHello }
func (*Welcome) Type() MsgType  { return MsgWelcome }
func (*Input) Type() MsgType    { return MsgInput }
func (*Snapshot) Type() MsgType { return MsgSnapshot }
func (*Ping) Type() MsgType     { return MsgPing }
func (*Pong) Type() MsgType     { return MsgPong }
func (*Join) Type() MsgType     { return MsgJoin }
func (*Leave) Type() MsgType    { return MsgLeave }
func (*Event) Type() MsgType    { return MsgEvent }
func (*MatchEnd) Type() MsgType { return MsgMatchEnd }

// header appends the array header and type tag of an n-element message.
func header(b []byte, t MsgType, n int) []byte {
	return append(appendArray(b, n), byte(t)) // every type is a positive fixint
}

// Hello: [1, version, name, resume, identity].

func (m *Hello) Append(b []byte) []byte {
	b = header(b, MsgHello, 5)
	b = appendUint(b, uint64(m.Version))
	b = appendStr(b, m.Name)
	b = appendStr(b, m.Resume)
	return appendStr(b, m.Identity)
}

func (m *Hello) Decode(b []byte) error {
	var r reader
	r.message(b, MsgHello, 5)
	m.Version = r.u32()
	r.string(&m.Name, MaxNameLen)
	r.string(&m.Resume, MaxResumeLen)
	r.string(&m.Identity, MaxIdentityLen)
	return r.done()
}

// PeekVersion returns the version of a Hello or Queue, whatever its
// shape: a server reads it before decoding, so that a client of another
// version (whose messages have other fields) is told so with 4000 rather
// than refused as malformed.
func PeekVersion(b []byte) (uint32, error) {
	r := newReader(b)
	if n := r.arrayHeader(); r.Err == nil && n < 2 {
		r.fail(errCount)
	}
	switch typ := r.u64(); {
	case r.Err != nil:
	case typ != uint64(MsgHello) && typ != uint64(MsgQueue) && typ != uint64(MsgSpectate):
		r.fail(fmt.Errorf("%w: got %d, want a Hello, a Queue or a Spectate", ErrWrongType, typ))
	}
	v := r.u32()
	return v, r.Err
}

// Welcome: [2, version, player, match, tickRate, snapshotRate, resume,
// [[kindName, [fieldName, ...]], ...], static] with static
// [[minX, minY, maxX, maxY], [[minX, minY, maxX, maxY], ...], [[name, value], ...]].

func (m *Welcome) Append(b []byte) []byte {
	b = header(b, MsgWelcome, 9)
	b = appendUint(b, uint64(m.Version))
	b = appendUint(b, uint64(m.Player))
	b = appendStr(b, m.Match)
	b = appendUint(b, uint64(m.TickRate))
	b = appendUint(b, uint64(m.SnapshotRate))
	b = appendStr(b, m.Resume)
	b = appendKinds(b, m.Kinds)
	return m.Static.append(b)
}

// appendKinds appends a schema: [[kindName, [fieldName, ...]], ...].
func appendKinds(b []byte, kinds []KindSchema) []byte {
	b = appendArray(b, len(kinds))
	for _, k := range kinds {
		b = appendArray(b, 2)
		b = appendStr(b, k.Name)
		b = appendArray(b, len(k.Fields))
		for _, f := range k.Fields {
			b = appendStr(b, f)
		}
	}
	return b
}

func (s *Static) append(b []byte) []byte {
	b = appendArray(b, 3)
	b = appendRect(b, s.Bounds)
	b = appendArray(b, len(s.Walls))
	for _, w := range s.Walls {
		b = appendRect(b, w)
	}
	b = appendArray(b, len(s.Params))
	for _, p := range s.Params {
		b = appendArray(b, 2)
		b = appendStr(b, p.Name)
		b = appendInt(b, int64(p.Value))
	}
	return b
}

func appendRect(b []byte, r Rect) []byte {
	b = appendArray(b, 4)
	b = appendInt(b, int64(r.MinX))
	b = appendInt(b, int64(r.MinY))
	b = appendInt(b, int64(r.MaxX))
	return appendInt(b, int64(r.MaxY))
}

func (s *Static) decode(r *reader) {
	r.tuple(3)
	r.rect(&s.Bounds)
	s.Walls = resize(s.Walls, r.array(MaxWalls))
	for i := range s.Walls {
		r.rect(&s.Walls[i])
	}
	s.Params = resize(s.Params, r.array(MaxParams))
	for i := range s.Params {
		p := &s.Params[i]
		r.tuple(2)
		r.string(&p.Name, MaxParamName)
		p.Value = r.i32()
	}
}

func (r *reader) rect(dst *Rect) {
	r.tuple(4)
	dst.MinX = r.i32()
	dst.MinY = r.i32()
	dst.MaxX = r.i32()
	dst.MaxY = r.i32()
}

func (m *Welcome) Decode(b []byte) error {
	var r reader
	r.message(b, MsgWelcome, 9)
	m.Version = r.u32()
	m.Player = r.u32()
	r.string(&m.Match, MaxMatchLen)
	m.TickRate = r.u32()
	m.SnapshotRate = r.u32()
	r.string(&m.Resume, MaxResumeLen)
	m.Kinds = r.kinds(m.Kinds)
	m.Static.decode(&r)
	return r.done()
}

// kinds decodes a schema into dst, reusing its capacity.
func (r *reader) kinds(dst []KindSchema) []KindSchema {
	dst = resize(dst, r.array(MaxKinds))
	for i := range dst {
		k := &dst[i]
		r.tuple(2)
		r.string(&k.Name, MaxFieldName)
		k.Fields = resize(k.Fields, r.array(MaxFields))
		for j := range k.Fields {
			r.string(&k.Fields[j], MaxFieldName)
		}
	}
	return dst
}

// Input: [3, seq, ack, moveX, moveY, aim, buttons] or, with a view tick,
// [3, seq, ack, moveX, moveY, aim, buttons, view]. The view is optional so
// that version 4 clients that predate it still decode; a present view is
// never 0 (0 means none, which is written by leaving the element out), so
// every Input has one encoding.

// errViewZero: an Input's optional view element was sent as 0.
var errViewZero = fmt.Errorf("%w: input view tick 0: leave the element out instead", ErrMalformed)

func (m *Input) Append(b []byte) []byte {
	n := 7
	if m.View != 0 {
		n = 8
	}
	b = header(b, MsgInput, n)
	b = appendUint(b, uint64(m.Seq))
	b = appendUint(b, uint64(m.Ack))
	b = appendInt(b, int64(m.MoveX))
	b = appendInt(b, int64(m.MoveY))
	b = appendUint(b, uint64(m.Aim))
	b = appendUint(b, uint64(m.Buttons))
	if m.View != 0 {
		b = appendUint(b, uint64(m.View))
	}
	return b
}

func (m *Input) Decode(b []byte) error {
	n := 7
	if peek := newReader(b); peek.arrayHeader() == 8 {
		n = 8
	}
	var r reader
	r.message(b, MsgInput, n)
	m.Seq = r.u32()
	m.Ack = r.u32()
	m.MoveX = r.i8()
	m.MoveY = r.i8()
	m.Aim = r.u16()
	m.Buttons = r.u8()
	m.View = 0
	if n == 8 {
		if m.View = r.u32(); m.View == 0 && r.Err == nil {
			r.fail(errViewZero)
		}
	}
	return r.done()
}

// Ping: [5, clientTime].

func (m *Ping) Append(b []byte) []byte {
	return appendUint(header(b, MsgPing, 2), m.ClientTime)
}

func (m *Ping) Decode(b []byte) error {
	var r reader
	r.message(b, MsgPing, 2)
	m.ClientTime = r.u64()
	return r.done()
}

// Pong: [6, clientTime, serverTick].

func (m *Pong) Append(b []byte) []byte {
	b = appendUint(header(b, MsgPong, 3), m.ClientTime)
	return appendUint(b, uint64(m.ServerTick))
}

func (m *Pong) Decode(b []byte) error {
	var r reader
	r.message(b, MsgPong, 3)
	m.ClientTime = r.u64()
	m.ServerTick = r.u32()
	return r.done()
}

// Join: [7, player, name].

func (m *Join) Append(b []byte) []byte {
	b = appendUint(header(b, MsgJoin, 3), uint64(m.Player))
	return appendStr(b, m.Name)
}

func (m *Join) Decode(b []byte) error {
	var r reader
	r.message(b, MsgJoin, 3)
	m.Player = r.u32()
	r.string(&m.Name, MaxNameLen)
	return r.done()
}

// Leave: [8, player].

func (m *Leave) Append(b []byte) []byte {
	return appendUint(header(b, MsgLeave, 2), uint64(m.Player))
}

func (m *Leave) Decode(b []byte) error {
	var r reader
	r.message(b, MsgLeave, 2)
	m.Player = r.u32()
	return r.done()
}

// Event: [9, tick, kind, actor, target, value, x, y].

func (m *Event) Append(b []byte) []byte {
	b = header(b, MsgEvent, 8)
	b = appendUint(b, uint64(m.Tick))
	b = appendUint(b, uint64(m.Kind))
	b = appendUint(b, uint64(m.Actor))
	b = appendUint(b, uint64(m.Target))
	b = appendInt(b, int64(m.Value))
	b = appendInt(b, int64(m.X))
	return appendInt(b, int64(m.Y))
}

func (m *Event) Decode(b []byte) error {
	var r reader
	r.message(b, MsgEvent, 8)
	m.Tick = r.u32()
	m.Kind = r.u8()
	m.Actor = r.u32()
	m.Target = r.u32()
	m.Value = r.i32()
	m.X = r.i32()
	m.Y = r.i32()
	return r.done()
}

// MatchEnd: [10, tick, reason, winner, [[player, score, deaths], ...]].

func (m *MatchEnd) Append(b []byte) []byte {
	b = header(b, MsgMatchEnd, 5)
	b = appendUint(b, uint64(m.Tick))
	b = appendStr(b, m.Reason)
	b = appendUint(b, uint64(m.Winner))
	b = appendArray(b, len(m.Results))
	for _, res := range m.Results {
		b = appendArray(b, 3)
		b = appendUint(b, uint64(res.Player))
		b = appendInt(b, int64(res.Score))
		b = appendInt(b, int64(res.Deaths))
	}
	return b
}

func (m *MatchEnd) Decode(b []byte) error {
	var r reader
	r.message(b, MsgMatchEnd, 5)
	m.Tick = r.u32()
	r.string(&m.Reason, MaxReasonLen)
	m.Winner = r.u32()
	m.Results = resize(m.Results, r.array(MaxResults))
	for i := range m.Results {
		r.tuple(3)
		m.Results[i] = Result{Player: r.u32(), Score: r.i32(), Deaths: r.i32()}
	}
	return r.done()
}

// resize returns s with length n, reusing its capacity. Callers bound n by
// the unread bytes first (reader.array), so a peer cannot make it allocate
// more than a small multiple of the message's size.
func resize[T any](s []T, n int) []T {
	return slices.Grow(s[:0], n)[:n]
}
