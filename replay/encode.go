package replay

import (
	"encoding/binary"
	"slices"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/protocol/msgp"
)

// Record types, the first element of every record.
const (
	recHeader     = 1 // [1, format, game, mode, match, seed, tickRate, maxPlayers, startUnixMilli, rules, checkpointEvery, welcome]
	recTick       = 2 // [2, bin: FoldHash as 2 bytes little-endian, packed changed inputs (see inputs.go)]
	recJoin       = 3 // [3, player, name]
	recLeave      = 4 // [4, player]
	recCheckpoint = 5 // [5, tick, hash64, (id, kind, fields...)...]
	recIncomplete = 6 // [6, fromTick]
	recEnd        = 7 // [7, tick, ended, reason, winner, (player, score, deaths)...]
	recState      = 8 // [8, tick, hash64, bin: the world's state (game.StateSaver)]
)

// appendFramed frames a record: its length as a uvarint, then the msgpack
// array, so a reader knows where each ends before decoding it. Three
// bytes are reserved for the length (records up to 2 MiB) and the body
// is moved when its length takes fewer or more.
func appendFramed(dst []byte, body func([]byte) []byte) []byte {
	start := len(dst)
	dst = append(dst, 0, 0, 0)
	return fixFrame(body(dst), start)
}

// Encoder turns a match's life into records. It keeps each player's last
// recorded input, so a tick records only the inputs that changed, as
// deltas where that keeps them small (seq, aim). It belongs to one match's
// loop and allocates nothing in steady state.
type Encoder struct {
	counts []int           // fields per entity kind
	last   []game.Input    // by player ID: the input the replay will apply
	live   []game.PlayerID // the players of the last step's inputs
	seen   []uint32        // by player ID: the last tick it stepped with an input
	tick   uint32
	nextCP uint32
	every  uint32
	view   []game.Entity // scratch for checkpoints
}

// NewEncoder returns an encoder for a match described by h, and the
// header record to start its file with.
func NewEncoder(dst []byte, h *Header) (*Encoder, []byte) {
	e := &Encoder{every: h.CheckpointEvery}
	if e.every > 0 {
		e.nextCP = e.every
	}
	for _, k := range h.Kinds() {
		e.counts = append(e.counts, len(k.Fields))
	}
	return e, appendFramed(dst, h.append)
}

func (e *Encoder) grow(id game.PlayerID) {
	if int(id) >= len(e.last) {
		n := max(int(id)+1, 2*len(e.last), 32)
		e.last = append(e.last, make([]game.Input, n-len(e.last))...)
		e.seen = append(e.seen, make([]uint32, n-len(e.seen))...)
	}
}

// Join records a player added to the world before the next step.
func (e *Encoder) Join(dst []byte, id game.PlayerID, name string) []byte {
	e.grow(id)
	e.last[id] = game.Input{}
	e.seen[id] = 0
	return appendFramed(dst, func(b []byte) []byte {
		b = msgp.AppendArray(b, 3)
		b = append(b, recJoin)
		b = msgp.AppendUint(b, uint64(id))
		return msgp.AppendStr(b, name)
	})
}

// Leave records a player taken out of the world before the next step.
func (e *Encoder) Leave(dst []byte, id game.PlayerID) []byte {
	e.grow(id)
	e.last[id] = game.Input{}
	e.seen[id] = 0
	e.live = slices.DeleteFunc(e.live, func(p game.PlayerID) bool { return p == id })
	return appendFramed(dst, func(b []byte) []byte {
		b = msgp.AppendArray(b, 2)
		b = append(b, recLeave)
		return msgp.AppendUint(b, uint64(id))
	})
}

// Step records a step: the inputs that changed since the last step
// recorded, a player that stepped without an input (dropped, its seat
// held) as absent, and the world's hash after the step; and, every
// CheckpointEvery ticks, a checkpoint: the world's state when it is a
// game.StateSaver, else its view.
func (e *Encoder) Step(dst []byte, tick uint32, inputs []game.PlayerInput, w game.World) []byte {
	prev := e.tick
	e.tick = tick
	h := w.Hash()
	start := len(dst)
	dst = append(dst, 0, 0, 0) // uvarint length, fixed below
	dst = append(dst, msgp.FixArray|2, recTick)
	dst, bin := msgp.BeginBin(dst)
	dst = binary.LittleEndian.AppendUint16(dst, uint16(FoldHash(h)))
	var prevID game.PlayerID
	for _, pi := range inputs {
		e.grow(pi.Player)
		was := e.seen[pi.Player] == prev && prev != 0
		e.seen[pi.Player] = tick
		if !was || pi.Input != e.last[pi.Player] {
			dst = appendPacked(dst, prevID, pi.Player, pi.Input, e.last[pi.Player], false)
			e.last[pi.Player] = pi.Input
			prevID = pi.Player
		}
	}
	for _, id := range e.live {
		if e.seen[id] != tick {
			// Absent: the last input stays the base of the next.
			dst = appendPacked(dst, prevID, id, game.Input{}, game.Input{}, true)
			prevID = id
		}
	}
	e.live = e.live[:0]
	for _, pi := range inputs {
		e.live = append(e.live, pi.Player)
	}
	dst = fixFrame(msgp.EndBin(dst, bin), start)
	if e.every > 0 && tick >= e.nextCP {
		e.nextCP = tick + e.every
		if s, ok := w.(game.StateSaver); ok {
			dst = appendState(dst, tick, h, s)
		} else {
			dst = e.checkpoint(dst, tick, h, w)
		}
	}
	return dst
}

// appendState records the world's state after tick. The state is
// appended in place behind a bin32 header, so a buffer with room costs
// no allocation.
func appendState(dst []byte, tick uint32, h uint64, s game.StateSaver) []byte {
	start := len(dst)
	dst = append(dst, 0, 0, 0)
	dst = append(dst, msgp.FixArray|4, recState)
	dst = msgp.AppendUint(dst, uint64(tick))
	dst = msgp.AppendUint(dst, h)
	bin := len(dst)
	dst = append(dst, msgp.Bin32, 0, 0, 0, 0)
	dst = s.AppendState(dst)
	binary.BigEndian.PutUint32(dst[bin+1:], uint32(len(dst)-bin-5))
	return fixFrame(dst, start)
}

// fixFrame writes the uvarint length of the frame begun at start, whose
// body follows 3 reserved bytes.
func fixFrame(dst []byte, start int) []byte {
	n := len(dst) - start - 3
	var lb [binary.MaxVarintLen64]byte
	k := binary.PutUvarint(lb[:], uint64(n))
	switch {
	case k < 3:
		copy(dst[start+k:], dst[start+3:])
		dst = dst[:len(dst)-(3-k)]
	case k > 3:
		dst = append(dst, make([]byte, k-3)...)
		copy(dst[start+k:], dst[start+3:start+3+n])
	}
	copy(dst[start:], lb[:k])
	return dst
}

func (e *Encoder) checkpoint(dst []byte, tick uint32, h uint64, w game.World) []byte {
	start := len(dst)
	dst = append(dst, 0, 0, 0)
	dst, arr := msgp.BeginArray(dst)
	dst = append(dst, recCheckpoint)
	dst = msgp.AppendUint(dst, uint64(tick))
	dst = msgp.AppendUint(dst, h)
	count := 3
	// The view is appended through the world into a scratch slice the
	// encoder keeps; AppendView allocates nothing once it has room.
	e.view = w.AppendView(e.view[:0])
	for i := range e.view {
		en := &e.view[i]
		nf := 0
		if int(en.Kind) < len(e.counts) {
			nf = e.counts[en.Kind]
		}
		dst = msgp.AppendUint(dst, uint64(en.ID))
		dst = msgp.AppendUint(dst, uint64(en.Kind))
		for _, f := range en.Fields[:nf] {
			dst = msgp.AppendInt(dst, int64(f))
		}
		count += 2 + nf
	}
	return fixFrame(msgp.EndArray(dst, arr, count), start)
}

// AppendEnd records how the match ended at tick: its outcome, or, when it
// was stopped without results, an outcome that has not Ended.
func AppendEnd(dst []byte, tick uint32, out game.Outcome) []byte {
	return appendFramed(dst, func(b []byte) []byte {
		b = msgp.AppendArray(b, 5+3*len(out.Results))
		b = append(b, recEnd)
		b = msgp.AppendUint(b, uint64(tick))
		ended := uint64(0)
		if out.Ended {
			ended = 1
		}
		b = msgp.AppendUint(b, ended)
		b = msgp.AppendStr(b, out.Reason)
		b = msgp.AppendUint(b, uint64(out.Winner))
		for _, r := range out.Results {
			b = msgp.AppendUint(b, uint64(r.Player))
			b = msgp.AppendInt(b, int64(r.Score))
			b = msgp.AppendInt(b, int64(r.Deaths))
		}
		return b
	})
}

// AppendIncomplete records that the frames from tick fromTick on were lost
// (the writer fell behind): the recording replays only up to there.
func AppendIncomplete(dst []byte, fromTick uint32) []byte {
	return appendFramed(dst, func(b []byte) []byte {
		b = msgp.AppendArray(b, 2)
		b = append(b, recIncomplete)
		return msgp.AppendUint(b, uint64(fromTick))
	})
}

// FoldHash folds a world hash into the 16 bits a tick record keeps (see
// the package doc: why 16 bits are enough to name the first divergent
// tick).
func FoldHash(h uint64) uint32 {
	h ^= h >> 32
	h ^= h >> 16
	return uint32(uint16(h))
}
