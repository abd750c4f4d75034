package replay

import (
	"encoding/binary"
	"fmt"

	"github.com/skirmishgg/skirmish/game"
)

// A tick record's body is one msgpack bin: the folded hash (2 bytes,
// little-endian), then each changed input packed as
//
//	zigzag varint  player ID minus the previous one in this record
//	byte           which fields follow (the in* flags)
//	then, in this order, only those flagged:
//	  zigzag varint  seq minus the last seq (absent: it is the last + 1)
//	  byte           move x
//	  byte           move y
//	  zigzag varint  aim minus the last aim, as int16
//	  byte           buttons
//	  uvarint        rewind
//
// A field not flagged is the player's last recorded value. A move that
// changed to a full tilt along the new aim is flagged inMoveAim instead of
// its two bytes: a bot chasing its target, or a player holding forward
// with aim-relative controls, moves that way (97% of the move changes of
// a bots match). Inputs come
// from clients at their own rate and change a few fields at a time (a bot
// turns a little, its seq goes up by one), so most inputs take 3 to 5
// bytes before compression, against 10 as a msgpack tuple of every field.
const (
	inSeq     = 1 << iota // seq is not the last + 1
	inMoveX               // move x changed
	inMoveY               // move y changed
	inAim                 // aim changed
	inButtons             // buttons changed
	inRewind              // rewind changed
	inAbsent              // the player stepped with no input; nothing follows
	inMoveAim             // the move changed to a full tilt along the aim (aimAxes); no move bytes follow
	inAll     = inSeq | inMoveX | inMoveY | inAim | inButtons | inRewind | inAbsent | inMoveAim
)

// appendPacked appends one input in the packed form against last, the
// player's last recorded input, and returns the new buffer.
func appendPacked(dst []byte, prevID, id game.PlayerID, in, last game.Input, absent bool) []byte {
	dst = binary.AppendVarint(dst, int64(id)-int64(prevID))
	if absent {
		return append(dst, inAbsent)
	}
	at := len(dst)
	var f byte
	dst = append(dst, 0)
	if in.Seq != last.Seq+1 {
		f |= inSeq
		dst = binary.AppendVarint(dst, int64(int32(in.Seq-last.Seq)))
	}
	moved := in.MoveX != last.MoveX || in.MoveY != last.MoveY
	if ax, ay := aimAxes(in.Aim); moved && in.MoveX == ax && in.MoveY == ay {
		f |= inMoveAim
	} else {
		if in.MoveX != last.MoveX {
			f |= inMoveX
			dst = append(dst, byte(in.MoveX))
		}
		if in.MoveY != last.MoveY {
			f |= inMoveY
			dst = append(dst, byte(in.MoveY))
		}
	}
	if in.Aim != last.Aim {
		f |= inAim
		dst = binary.AppendVarint(dst, int64(int16(in.Aim-last.Aim)))
	}
	if in.Buttons != last.Buttons {
		f |= inButtons
		dst = append(dst, in.Buttons)
	}
	if in.Rewind != last.Rewind {
		f |= inRewind
		dst = binary.AppendUvarint(dst, uint64(in.Rewind))
	}
	dst[at] = f
	return dst
}

// packedReader reads packed inputs; the first error sticks.
type packedReader struct {
	b   []byte
	err error
}

func (r *packedReader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: a tick's inputs: %s", ErrMalformed, what)
	}
	r.b = nil
}

func (r *packedReader) byte() byte {
	if len(r.b) == 0 {
		r.fail("cut short")
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *packedReader) varint(lo, hi int64) int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail("a bad varint")
		return 0
	}
	r.b = r.b[n:]
	if v < lo || v > hi {
		r.fail("a value out of range")
		return 0
	}
	return v
}

// next reads one packed input against the last input of each player
// (last), and reports its player, the input, and whether it is an
// absence.
func (r *packedReader) next(prevID game.PlayerID, last func(game.PlayerID) game.Input) (game.PlayerID, game.Input, bool) {
	id := int64(prevID) + r.varint(-maxMaxPlayers, maxMaxPlayers)
	if r.err == nil && (id < 1 || id > maxMaxPlayers) {
		r.fail("a player ID out of range")
	}
	f := r.byte()
	if r.err != nil {
		return 0, game.Input{}, false
	}
	if f&^inAll != 0 || f&inAbsent != 0 && f != inAbsent || f&inMoveAim != 0 && f&(inMoveX|inMoveY) != 0 {
		r.fail("unknown field flags")
		return 0, game.Input{}, false
	}
	pid := game.PlayerID(id)
	if f == inAbsent {
		return pid, game.Input{}, true
	}
	in := last(pid)
	in.Seq++
	if f&inSeq != 0 {
		in.Seq += uint32(int32(r.varint(-1<<31, 1<<31-1))) - 1
	}
	if f&inMoveX != 0 {
		in.MoveX = int8(r.byte())
	}
	if f&inMoveY != 0 {
		in.MoveY = int8(r.byte())
	}
	if f&inAim != 0 {
		in.Aim += uint16(int16(r.varint(-1<<15, 1<<15-1)))
	}
	if f&inButtons != 0 {
		in.Buttons = r.byte()
	}
	if f&inRewind != 0 {
		v, n := binary.Uvarint(r.b)
		if n <= 0 || v > 1<<16-1 {
			r.fail("a bad rewind")
		} else {
			r.b = r.b[n:]
			in.Rewind = uint16(v)
		}
	}
	if f&inMoveAim != 0 {
		in.MoveX, in.MoveY = aimAxes(in.Aim)
	}
	return pid, in, false
}
