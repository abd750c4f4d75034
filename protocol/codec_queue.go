package protocol

// Matchmaking message encodings; see codec.go for the conventions.

func (*Queue) Type() MsgType       { return MsgQueue }
func (*Cancel) Type() MsgType      { return MsgCancel }
func (*QueueStatus) Type() MsgType { return MsgQueueStatus }
func (*Assigned) Type() MsgType    { return MsgAssigned }
func (*QueueError) Type() MsgType  { return MsgQueueError }

// Queue: [11, version, mode, skill, [[region, rttMs], ...], identity, name, party].

func (m *Queue) Append(b []byte) []byte {
	b = header(b, MsgQueue, 8)
	b = appendUint(b, uint64(m.Version))
	b = appendStr(b, m.Mode)
	b = appendInt(b, int64(m.Skill))
	b = appendArray(b, len(m.Regions))
	for _, r := range m.Regions {
		b = appendArray(b, 2)
		b = appendStr(b, r.Region)
		b = appendUint(b, uint64(r.RTTms))
	}
	b = appendStr(b, m.Identity)
	b = appendStr(b, m.Name)
	return appendStr(b, m.Party)
}

func (m *Queue) Decode(b []byte) error {
	var r reader
	r.message(b, MsgQueue, 8)
	m.Version = r.u32()
	r.string(&m.Mode, MaxIDLen)
	m.Skill = r.i32()
	m.Regions = resize(m.Regions, r.array(MaxRegions))
	for i := range m.Regions {
		r.tuple(2)
		r.string(&m.Regions[i].Region, MaxIDLen)
		m.Regions[i].RTTms = r.u32()
	}
	r.string(&m.Identity, MaxIdentityLen)
	r.string(&m.Name, MaxNameLen)
	r.string(&m.Party, MaxPartyCode)
	return r.done()
}

// Cancel: [12].

func (m *Cancel) Append(b []byte) []byte { return header(b, MsgCancel, 1) }

func (m *Cancel) Decode(b []byte) error {
	var r reader
	r.message(b, MsgCancel, 1)
	return r.done()
}

// QueueStatus: [13, ticket, state, position, elapsedMs, estimatedMs].

func (m *QueueStatus) Append(b []byte) []byte {
	b = header(b, MsgQueueStatus, 6)
	b = appendStr(b, m.Ticket)
	b = appendStr(b, m.State)
	b = appendUint(b, uint64(m.Position))
	b = appendUint(b, uint64(m.ElapsedMs))
	return appendUint(b, uint64(m.EstimatedMs))
}

func (m *QueueStatus) Decode(b []byte) error {
	var r reader
	r.message(b, MsgQueueStatus, 6)
	r.string(&m.Ticket, MaxIDLen)
	r.string(&m.State, MaxIDLen)
	m.Position = r.u32()
	m.ElapsedMs = r.u32()
	m.EstimatedMs = r.u32()
	return r.done()
}

// Assigned: [14, hostURL, match, [[player, token], ...]].

func (m *Assigned) Append(b []byte) []byte {
	b = header(b, MsgAssigned, 4)
	b = appendStr(b, m.HostURL)
	b = appendStr(b, m.Match)
	b = appendArray(b, len(m.Tokens))
	for _, t := range m.Tokens {
		b = appendArray(b, 2)
		b = appendStr(b, t.Player)
		b = appendStr(b, t.Token)
	}
	return b
}

func (m *Assigned) Decode(b []byte) error {
	var r reader
	r.message(b, MsgAssigned, 4)
	r.string(&m.HostURL, MaxURLLen)
	r.string(&m.Match, MaxMatchLen)
	m.Tokens = resize(m.Tokens, r.array(MaxParty))
	for i := range m.Tokens {
		r.tuple(2)
		r.string(&m.Tokens[i].Player, MaxIDLen)
		r.string(&m.Tokens[i].Token, MaxResumeLen)
	}
	return r.done()
}

// QueueError: [15, code, message].

func (m *QueueError) Append(b []byte) []byte {
	b = header(b, MsgQueueError, 3)
	b = appendStr(b, m.Code)
	return appendStr(b, m.Message)
}

func (m *QueueError) Decode(b []byte) error {
	var r reader
	r.message(b, MsgQueueError, 3)
	r.string(&m.Code, MaxIDLen)
	r.string(&m.Message, MaxMessageLen)
	return r.done()
}
