package replay

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/skirmishgg/skirmish/game"
)

// Change is a player joining or leaving the world before a step.
type Change struct {
	Player game.PlayerID
	Join   bool   // else a leave
	Name   string // joins only
}

// Step is one recorded tick.
type Step struct {
	Tick uint32
	// Hash is the world's hash after the step, folded to 16 bits
	// (FoldHash).
	Hash uint32
	// Changes are the joins and leaves applied before the step, in order.
	Changes []Change
	// Inputs are the inputs that changed at this step (absolute values);
	// every other player steps with its previous input. Absent lists the
	// players that stopped stepping with an input (dropped, seat held)
	// until their next input.
	Inputs []game.PlayerInput
	Absent []game.PlayerID
}

// Checkpoint is the world's view after a step, for seeking and for naming
// the entity and field of a desync.
type Checkpoint struct {
	Tick     uint32
	Hash     uint64
	Entities []game.Entity
}

// State is the world's whole state after a step (game.StateSaver), for
// seeking without re-simulating from the start.
type State struct {
	Tick uint32
	Hash uint64 // the world's full hash after the step
	Data []byte // the game's state bytes
	// Inputs are the inputs the next step applies (every player's latest
	// input, but those absent), sorted by player: with Data, all a
	// Replayer needs to go on from Tick.
	Inputs []game.PlayerInput
}

// End is how the match ended.
type End struct {
	Tick    uint32
	Outcome game.Outcome // Ended false: stopped without results
}

// Recording is a whole recording file, decoded.
type Recording struct {
	Header      Header
	Steps       []Step // Steps[i].Tick == i+1
	Checkpoints []Checkpoint
	// States are the state checkpoints of a game whose world saves its
	// state, in tick order (it then has no view Checkpoints).
	States []State
	// End is nil when the file has no end record.
	End *End
	// LostFrom, when not 0, is the first tick whose records were lost:
	// the server's writer fell behind and the recording stops there.
	LostFrom uint32
	// Truncated says the file stops mid-stream: the server stopped before
	// closing it (a crash); what was flushed before is here.
	Truncated bool
}

// Complete reports whether the recording holds the whole match.
func (r *Recording) Complete() bool { return r.End != nil && r.LostFrom == 0 && !r.Truncated }

// Limits on what a recording may claim, so hostile files cost bounded
// memory.
const (
	maxFrame    = 16 << 20
	maxSteps    = 1 << 22 // about 19 hours at 60 Hz
	maxInputs   = 1 << 16 // changed inputs in one step
	maxEntities = 1 << 20
	maxResults  = 1 << 16
)

// Read decodes a recording file. A file cut short mid-stream is returned
// with Truncated set and no error; bytes that are not a recording give an
// error wrapping ErrMalformed.
func Read(r io.Reader) (*Recording, error) {
	br := bufio.NewReader(r)
	magic := make([]byte, len(Magic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != Magic {
		return nil, fmt.Errorf("%w: not a Skirmish recording (bad magic)", ErrMalformed)
	}
	fr := flate.NewReader(br)
	defer fr.Close()
	in := bufio.NewReader(fr)
	d := newDecoder()
	var buf []byte
	for {
		n, err := binary.ReadUvarint(in)
		if errors.Is(err, io.EOF) && d.rec != nil {
			break
		}
		if err == nil && n > maxFrame {
			return nil, fmt.Errorf("%w: a record of %d bytes", ErrMalformed, n)
		}
		if err == nil {
			// The buffer is reused: decoding copies what it keeps.
			if uint64(cap(buf)) < n {
				buf = make([]byte, n)
			}
			buf = buf[:n]
			_, err = io.ReadFull(in, buf)
		}
		if err != nil {
			if d.rec != nil && (errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)) {
				d.rec.Truncated = true
				break
			}
			if d.rec == nil {
				return nil, fmt.Errorf("%w: no header: %w", ErrMalformed, err)
			}
			var ce flate.CorruptInputError
			if errors.As(err, &ce) {
				return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
			}
			return nil, fmt.Errorf("replay: read: %w", err)
		}
		if err := d.record(buf); err != nil {
			return nil, err
		}
	}
	return d.rec, nil
}

// decoder turns records into a Recording, undoing the deltas.
type decoder struct {
	rec     *Recording
	counts  []int
	last    map[game.PlayerID]game.Input // by player: the base of its next packed input
	cur     map[game.PlayerID]game.Input // the inputs the next step applies, as Replayer keeps them
	pending []Change
}

func newDecoder() *decoder {
	return &decoder{last: map[game.PlayerID]game.Input{}, cur: map[game.PlayerID]game.Input{}}
}

// record decodes one record's body.
func (d *decoder) record(b []byte) error {
	r := newReader(b)
	n := r.Array(maxFrame)
	if n < 1 {
		if r.Err != nil {
			return r.Err
		}
		return fmt.Errorf("%w: an empty record", ErrMalformed)
	}
	typ := r.ranged(0, 255)
	if d.rec == nil && typ != recHeader {
		return fmt.Errorf("%w: the first record is not a header", ErrMalformed)
	}
	switch typ {
	case recHeader:
		if d.rec != nil {
			return fmt.Errorf("%w: a second header", ErrMalformed)
		}
		if n != 12 {
			return fmt.Errorf("%w: a header of %d elements", ErrMalformed, n)
		}
		rec := &Recording{}
		if err := rec.Header.decode(r); err != nil {
			return err
		}
		for _, k := range rec.Header.Kinds() {
			d.counts = append(d.counts, len(k.Fields))
		}
		d.rec = rec
	case recTick:
		if n != 2 {
			return fmt.Errorf("%w: a tick record of %d elements", ErrMalformed, n)
		}
		if len(d.rec.Steps) >= maxSteps || d.rec.LostFrom != 0 {
			return fmt.Errorf("%w: too many ticks, or ticks after the recording was lost", ErrMalformed)
		}
		body := r.Bin(maxFrame)
		if r.Err != nil {
			return r.Err
		}
		if len(body) < 2 {
			return fmt.Errorf("%w: a tick record without its hash", ErrMalformed)
		}
		s := Step{Tick: uint32(len(d.rec.Steps) + 1), Hash: uint32(binary.LittleEndian.Uint16(body)), Changes: d.pending}
		d.pending = nil
		for _, c := range s.Changes {
			delete(d.cur, c.Player)
		}
		pr := packedReader{b: body[2:]}
		var prevID game.PlayerID
		for k := 0; len(pr.b) > 0; k++ {
			if k >= maxInputs {
				return fmt.Errorf("%w: over %d inputs in one tick", ErrMalformed, maxInputs)
			}
			id, in, absent := pr.next(prevID, func(id game.PlayerID) game.Input { return d.last[id] })
			if pr.err != nil {
				return pr.err
			}
			prevID = id
			if absent {
				s.Absent = append(s.Absent, id)
				delete(d.cur, id)
				continue
			}
			d.last[id] = in
			d.cur[id] = in
			s.Inputs = append(s.Inputs, game.PlayerInput{Player: id, Input: in})
		}
		d.rec.Steps = append(d.rec.Steps, s)
	case recState:
		if n != 4 {
			return fmt.Errorf("%w: a state record of %d elements", ErrMalformed, n)
		}
		st := State{Tick: r.U32(), Hash: r.U64()}
		st.Data = bytes.Clone(r.Bin(maxFrame))
		if r.Err == nil && st.Tick != uint32(len(d.rec.Steps)) {
			return fmt.Errorf("%w: the state of tick %d after tick %d", ErrMalformed, st.Tick, len(d.rec.Steps))
		}
		for id, in := range d.cur {
			st.Inputs = append(st.Inputs, game.PlayerInput{Player: id, Input: in})
		}
		slices.SortFunc(st.Inputs, func(a, b game.PlayerInput) int { return cmp.Compare(a.Player, b.Player) })
		d.rec.States = append(d.rec.States, st)
	case recJoin, recLeave:
		c := Change{Join: typ == recJoin}
		want := 2
		if c.Join {
			want = 3
		}
		if n != want {
			return fmt.Errorf("%w: a join or leave of %d elements", ErrMalformed, n)
		}
		c.Player = game.PlayerID(r.ranged(1, maxMaxPlayers))
		if c.Join {
			c.Name = r.str(maxName)
		}
		delete(d.last, c.Player)
		if len(d.pending) >= maxInputs {
			return fmt.Errorf("%w: too many joins and leaves before one tick", ErrMalformed)
		}
		d.pending = append(d.pending, c)
	case recCheckpoint:
		if n < 3 {
			return fmt.Errorf("%w: a checkpoint of %d elements", ErrMalformed, n)
		}
		c := Checkpoint{Tick: r.U32(), Hash: r.U64()}
		left := n - 3
		for left > 0 && r.Err == nil {
			if len(c.Entities) >= maxEntities {
				return fmt.Errorf("%w: too many entities in a checkpoint", ErrMalformed)
			}
			e := game.Entity{ID: r.U32(), Kind: uint8(r.ranged(0, 255))}
			nf := 0
			if int(e.Kind) < len(d.counts) {
				nf = d.counts[e.Kind]
			}
			if left < 2+nf {
				return fmt.Errorf("%w: a checkpoint entity cut short", ErrMalformed)
			}
			for i := range nf {
				e.Fields[i] = r.I32()
			}
			left -= 2 + nf
			c.Entities = append(c.Entities, e)
		}
		d.rec.Checkpoints = append(d.rec.Checkpoints, c)
	case recIncomplete:
		if n != 2 {
			return fmt.Errorf("%w: an incomplete record of %d elements", ErrMalformed, n)
		}
		d.rec.LostFrom = max(r.U32(), 1)
	case recEnd:
		if n < 5 || (n-5)%3 != 0 || (n-5)/3 > maxResults {
			return fmt.Errorf("%w: an end record of %d elements", ErrMalformed, n)
		}
		e := &End{Tick: r.U32()}
		e.Outcome.Ended = r.ranged(0, 1) == 1
		e.Outcome.Reason = r.str(maxName)
		e.Outcome.Winner = game.PlayerID(r.ranged(0, maxMaxPlayers))
		for range (n - 5) / 3 {
			e.Outcome.Results = append(e.Outcome.Results, game.Result{Player: game.PlayerID(r.ranged(0, maxMaxPlayers)), Score: r.I32(), Deaths: r.I32()})
		}
		d.rec.End = e
	default:
		return fmt.Errorf("%w: unknown record type %d", ErrMalformed, typ)
	}
	if r.Err != nil {
		return r.Err
	}
	if len(r.B) != 0 {
		return fmt.Errorf("%w: trailing bytes in a record", ErrMalformed)
	}
	return nil
}
