package protocol

// Spectate: [17, version, match, token].

func (*Spectate) Type() MsgType { return MsgSpectate }

func (m *Spectate) Append(b []byte) []byte {
	b = header(b, MsgSpectate, 4)
	b = appendUint(b, uint64(m.Version))
	b = appendStr(b, m.Match)
	return appendStr(b, m.Token)
}

func (m *Spectate) Decode(b []byte) error {
	var r reader
	r.message(b, MsgSpectate, 4)
	m.Version = r.u32()
	r.string(&m.Match, MaxMatchLen)
	r.string(&m.Token, MaxIdentityLen) // an identity token, as in Hello
	return r.done()
}

// Watching: [18, version, match, tickRate, snapshotRate, delayMs, kinds,
// static], kinds and static as in Welcome.

func (*Watching) Type() MsgType { return MsgWatching }

func (m *Watching) Append(b []byte) []byte {
	b = header(b, MsgWatching, 8)
	b = appendUint(b, uint64(m.Version))
	b = appendStr(b, m.Match)
	b = appendUint(b, uint64(m.TickRate))
	b = appendUint(b, uint64(m.SnapshotRate))
	b = appendUint(b, uint64(m.DelayMs))
	b = appendKinds(b, m.Kinds)
	return m.Static.append(b)
}

func (m *Watching) Decode(b []byte) error {
	var r reader
	r.message(b, MsgWatching, 8)
	m.Version = r.u32()
	r.string(&m.Match, MaxMatchLen)
	m.TickRate = r.u32()
	m.SnapshotRate = r.u32()
	m.DelayMs = r.u32()
	m.Kinds = r.kinds(m.Kinds)
	m.Static.decode(&r)
	return r.done()
}
