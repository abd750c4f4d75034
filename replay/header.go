package replay

import (
	"errors"
	"fmt"
	"time"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/protocol/msgp"
)

// Format is the version of the file format this package writes and reads.
// Format 2 packs each changed input (see inputs.go) and stores world
// states for seeking; format 1 files are refused with ErrFormat.
const Format = 2

// ErrFormat is wrapped by the error for a recording of another format
// version.
var ErrFormat = errors.New("replay: a recording of another format")

// Magic starts every recording file, before its compressed stream.
const Magic = "SKREC\x00\x01\n"

// Header is a recording's first record: what a replay needs to rebuild
// the match's world, and what a viewer needs to draw it.
type Header struct {
	Game       string // the rules' name, e.g. "arena"
	Mode       string // the matchmaker's mode, "" for direct play
	Match      string // match ID
	Seed       uint64
	TickRate   int
	MaxPlayers int
	Start      time.Time
	// Rules fingerprints the rules (see RulesFingerprint): a replay with
	// other rules would diverge, and says so up front.
	Rules uint64
	// CheckpointEvery is how many ticks apart the checkpoints are (the
	// world's state when the game saves it, else its view); 0: none.
	CheckpointEvery uint32
	// Welcome is the game's description as clients get it: a Welcome
	// (player 0) with the entity kinds and the static description.
	Welcome protocol.Welcome
}

// NewHeader describes a match of rules about to start.
func NewHeader(match, mode string, rules game.Rules, seed uint64, start time.Time, checkpointEvery uint32) *Header {
	schema := rules.Schema()
	kinds := make([]protocol.KindSchema, len(schema.Kinds))
	for i, k := range schema.Kinds {
		kinds[i] = protocol.KindSchema{Name: k.Name, Fields: k.Fields}
	}
	st := rules.Static()
	ws := protocol.Static{Bounds: protocol.Rect(st.Bounds), Walls: make([]protocol.Rect, len(st.Walls)), Params: make([]protocol.Param, len(st.Params))}
	for i, r := range st.Walls {
		ws.Walls[i] = protocol.Rect(r)
	}
	for i, p := range st.Params {
		ws.Params[i] = protocol.Param(p)
	}
	return &Header{
		Game: rules.Name(), Mode: mode, Match: match, Seed: seed,
		TickRate: rules.TickRate(), MaxPlayers: rules.MaxPlayers(), Start: start,
		Rules: RulesFingerprint(rules), CheckpointEvery: checkpointEvery,
		Welcome: protocol.Welcome{Version: protocol.Version, Match: match, TickRate: uint32(rules.TickRate()), Kinds: kinds, Static: ws},
	}
}

// Kinds is the game's entity schema.
func (h *Header) Kinds() []protocol.KindSchema { return h.Welcome.Kinds }

func (h *Header) append(b []byte) []byte {
	b = msgp.AppendArray(b, 12)
	b = append(b, recHeader)
	b = msgp.AppendUint(b, Format)
	b = msgp.AppendStr(b, h.Game)
	b = msgp.AppendStr(b, h.Mode)
	b = msgp.AppendStr(b, h.Match)
	b = msgp.AppendUint(b, h.Seed)
	b = msgp.AppendUint(b, uint64(h.TickRate))
	b = msgp.AppendUint(b, uint64(h.MaxPlayers))
	b = msgp.AppendInt(b, h.Start.UnixMilli())
	b = msgp.AppendUint(b, h.Rules)
	b = msgp.AppendUint(b, uint64(h.CheckpointEvery))
	return msgp.AppendBin(b, h.Welcome.Append(nil))
}

// Limits on what a header may claim.
const (
	maxName       = 256
	maxWelcome    = 1 << 20
	maxTickRate   = 1000
	maxMaxPlayers = 65535
)

func (h *Header) decode(r *reader) error {
	format := r.ranged(0, 1<<16)
	if r.Err == nil && format != Format {
		return fmt.Errorf("%w: the file is format %d, this build reads format %d only (replay it with the Skirmish release that recorded it)", ErrFormat, format, Format)
	}
	h.Game = r.str(maxName)
	h.Mode = r.str(maxName)
	h.Match = r.str(maxName)
	h.Seed = r.U64()
	h.TickRate = int(r.ranged(1, maxTickRate))
	h.MaxPlayers = int(r.ranged(1, maxMaxPlayers))
	h.Start = time.UnixMilli(r.integer()).UTC()
	h.Rules = r.U64()
	h.CheckpointEvery = r.U32()
	w := r.Bin(maxWelcome)
	if r.Err != nil {
		return r.Err
	}
	if err := h.Welcome.Decode(w); err != nil {
		return fmt.Errorf("%w: the header's game description: %w", ErrMalformed, err)
	}
	return nil
}

// RulesFingerprint digests what of a game's rules a client can see (name,
// tick rate, seats, schema, static description): a replay under rules
// with another fingerprint is not expected to match.
func RulesFingerprint(rules game.Rules) uint64 {
	h := uint64(14695981039346656037)
	add := func(p []byte) {
		for _, c := range p {
			h = (h ^ uint64(c)) * 1099511628211
		}
		h = (h ^ 0xff) * 1099511628211
	}
	num := func(v int64) { add(fmt.Appendf(nil, "%d", v)) }
	add([]byte(rules.Name()))
	num(int64(rules.TickRate()))
	num(int64(rules.MaxPlayers()))
	for _, k := range rules.Schema().Kinds {
		add([]byte(k.Name))
		for _, f := range k.Fields {
			add([]byte(f))
		}
	}
	st := rules.Static()
	for _, r := range append([]game.Rect{st.Bounds}, st.Walls...) {
		num(int64(r.MinX))
		num(int64(r.MinY))
		num(int64(r.MaxX))
		num(int64(r.MaxY))
	}
	for _, p := range st.Params {
		add([]byte(p.Name))
		num(int64(p.Value))
	}
	return h
}
