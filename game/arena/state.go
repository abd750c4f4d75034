package arena

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/skirmishgg/skirmish/game"
)

// State capture (game.StateSaver): everything a future step reads, as
// varints in a fixed order. Left out are what the rest derives (the
// standings cache, the broadphase grid) and the last step's events, which
// are that step's output, not an input of the next.
//
// The lag-compensation trail is stored only for the ticks a future rewind
// can still read (the last rewindHistory ticks of the current life),
// newest first, each position as the offset from the next newer one (a
// step's move, often the same): small numbers that compress well.

// stateVersion is the first byte of a state; another version is refused.
const stateVersion = 1

// maxReason bounds the outcome reason a state may carry.
const maxReason = 64

var _ game.StateSaver = (*World)(nil)

// ErrBadState is wrapped by every error of RestoreState.
var ErrBadState = errors.New("arena: not an arena state")

// AppendState implements game.StateSaver.
func (w *World) AppendState(dst []byte) []byte {
	u := binary.AppendUvarint
	v := func(b []byte, x int32) []byte { return binary.AppendVarint(b, int64(x)) }
	dst = append(dst, stateVersion)
	dst = u(dst, w.rng.state)
	dst = u(dst, b2u(w.started)|b2u(w.ended)<<1)
	dst = u(dst, uint64(w.firstTick))
	dst = u(dst, uint64(w.tick))
	dst = u(dst, uint64(w.nextBullet))
	dst = u(dst, uint64(len(w.reason)))
	dst = append(dst, w.reason...)
	dst = u(dst, uint64(w.winner))
	dst = u(dst, uint64(len(w.players)))
	for i := range w.players {
		p := &w.players[i]
		dst = u(dst, uint64(p.id))
		dst = v(dst, p.x)
		dst = v(dst, p.y)
		dst = v(dst, p.hp)
		dst = v(dst, p.score)
		dst = v(dst, p.deaths)
		dst = v(dst, p.cooldown)
		dst = u(dst, uint64(p.in.Seq))
		dst = v(dst, int32(p.in.MoveX))
		dst = v(dst, int32(p.in.MoveY))
		dst = u(dst, uint64(p.in.Aim))
		dst = u(dst, uint64(p.in.Buttons))
		dst = u(dst, uint64(p.in.Rewind))
		dst = u(dst, uint64(p.trail.since))
		k := w.trailKept(p)
		dst = u(dst, uint64(k))
		// Newest first, each from the one after it: a step's move.
		at := Point{p.x, p.y}
		for t := w.tick; k > 0; t, k = t-1, k-1 {
			pt := p.trail.pos[t%rewindHistory]
			dst = v(dst, pt.X-at.X)
			dst = v(dst, pt.Y-at.Y)
			at = pt
		}
	}
	dst = u(dst, uint64(len(w.pending)))
	for _, e := range w.pending {
		dst = u(dst, uint64(e.Kind))
		dst = u(dst, uint64(e.Actor))
		dst = u(dst, uint64(e.Target))
		dst = v(dst, e.Value)
		dst = v(dst, e.X)
		dst = v(dst, e.Y)
	}
	dst = u(dst, uint64(len(w.bullets)))
	for i := range w.bullets {
		b := &w.bullets[i]
		dst = u(dst, uint64(b.id))
		dst = u(dst, uint64(b.owner))
		dst = u(dst, uint64(b.dir))
		dst = u(dst, uint64(b.tick0))
		dst = v(dst, b.x0)
		dst = v(dst, b.y0)
		dst = v(dst, b.vx)
		dst = v(dst, b.vy)
		dst = v(dst, b.x-b.x0)
		dst = v(dst, b.y-b.y0)
		dst = u(dst, uint64(b.rewind))
	}
	n := 0
	if w.ended {
		n = len(w.final)
	}
	dst = u(dst, uint64(n))
	for _, r := range w.final[:n] {
		dst = u(dst, uint64(r.Player))
		dst = v(dst, r.Score)
		dst = v(dst, r.Deaths)
	}
	return dst
}

// trailKept is how many of p's latest trail slots a future rewind may
// read: those of the ticks of its current life up to the last step, at
// most rewindHistory.
func (w *World) trailKept(p *player) uint32 {
	if !w.started || p.trail.since > w.tick {
		return 0
	}
	return min(w.tick-p.trail.since+1, rewindHistory)
}

// RestoreState implements game.StateSaver.
func (w *World) RestoreState(src []byte) error {
	d := stateReader{b: src}
	if len(src) == 0 || src[0] != stateVersion {
		return fmt.Errorf("%w: not version %d", ErrBadState, stateVersion)
	}
	d.b = d.b[1:]
	nw := newWorld(w.r, 0)
	nw.noCells, nw.bruteForce = w.noCells, w.bruteForce
	nw.rng.state = d.u(1<<64 - 1)
	flags := d.u(3)
	nw.started, nw.ended = flags&1 != 0, flags&2 != 0
	nw.firstTick = uint32(d.u(1<<32 - 1))
	nw.tick = uint32(d.u(1<<32 - 1))
	nw.nextBullet = uint32(d.u(1<<32 - 1))
	if nw.nextBullet < bulletIDBase {
		d.fail("bullet ID counter %d", nw.nextBullet)
	}
	nw.reason = string(d.bytes(maxReason))
	nw.winner = game.PlayerID(d.u(MaxPlayerID))
	np := d.u(uint64(w.r.cfg.MaxPlayers))
	for range np {
		if d.err != nil {
			break
		}
		p := player{id: game.PlayerID(d.u(MaxPlayerID))}
		if p.id == 0 || len(nw.players) > 0 && p.id <= nw.players[len(nw.players)-1].id {
			d.fail("player %d out of order", p.id)
		}
		p.x, p.y = d.i(), d.i()
		p.hp, p.score, p.deaths, p.cooldown = d.i(), d.i(), d.i(), d.i()
		p.in.Seq = uint32(d.u(1<<32 - 1))
		p.in.MoveX, p.in.MoveY = int8(d.ir(-128, 127)), int8(d.ir(-128, 127))
		p.in.Aim = uint16(d.u(1<<16 - 1))
		p.in.Buttons = uint8(d.u(255))
		p.in.Rewind = uint16(d.u(1<<16 - 1))
		p.trail.since = uint32(d.u(1<<32 - 1))
		k := uint32(d.u(rewindHistory))
		if k != nw.trailKept(&p) {
			d.fail("player %d keeps %d trail positions", p.id, k)
		}
		at := Point{p.x, p.y}
		for t := nw.tick; k > 0; t, k = t-1, k-1 {
			at = Point{at.X + d.i(), at.Y + d.i()}
			p.trail.pos[t%rewindHistory] = at
		}
		nw.players = append(nw.players, p)
	}
	for range d.u(uint64(w.r.cfg.MaxPlayers)) {
		e := game.Event{Kind: game.EventKind(d.u(255)), Actor: game.PlayerID(d.u(MaxPlayerID)), Target: game.PlayerID(d.u(MaxPlayerID))}
		e.Value, e.X, e.Y = d.i(), d.i(), d.i()
		if d.err != nil {
			break
		}
		nw.pending = append(nw.pending, e)
	}
	nb := d.u(uint64(len(d.b))) // each bullet takes bytes: a cheap bound
	for range nb {
		if d.err != nil {
			break
		}
		b := bullet{id: uint32(d.u(1<<32 - 1)), owner: game.PlayerID(d.u(MaxPlayerID)), dir: uint16(d.u(1<<16 - 1)), tick0: uint32(d.u(1<<32 - 1))}
		if b.id < bulletIDBase {
			d.fail("bullet ID %d", b.id)
		}
		b.x0, b.y0, b.vx, b.vy = d.i(), d.i(), d.i(), d.i()
		b.x, b.y = b.x0+d.i(), b.y0+d.i()
		b.rewind = uint16(d.u(MaxRewindTicks))
		nw.bullets = append(nw.bullets, b)
	}
	nf := d.u(uint64(w.r.cfg.MaxPlayers))
	if nf > 0 && !nw.ended {
		d.fail("final standings before the end")
	}
	for range nf {
		if d.err != nil {
			break
		}
		nw.final = append(nw.final, game.Result{Player: game.PlayerID(d.u(MaxPlayerID)), Score: d.i(), Deaths: d.i()})
	}
	if d.err == nil && len(d.b) != 0 {
		d.fail("%d trailing bytes", len(d.b))
	}
	if d.err != nil {
		return d.err
	}
	*w = *nw
	return nil
}

// stateReader reads a state's varints; the first error sticks and every
// later read returns 0.
type stateReader struct {
	b   []byte
	err error
}

func (d *stateReader) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s", ErrBadState, fmt.Sprintf(format, args...))
	}
}

// u reads an unsigned varint of at most limit.
func (d *stateReader) u(limit uint64) uint64 {
	if d.err != nil {
		return 0
	}
	x, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("cut short")
		return 0
	}
	d.b = d.b[n:]
	if x > limit {
		d.fail("%d over %d", x, limit)
		return 0
	}
	return x
}

// ir reads a signed varint within [lo, hi].
func (d *stateReader) ir(lo, hi int64) int64 {
	if d.err != nil {
		return 0
	}
	x, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail("cut short")
		return 0
	}
	d.b = d.b[n:]
	if x < lo || x > hi {
		d.fail("%d out of [%d, %d]", x, lo, hi)
		return 0
	}
	return x
}

func (d *stateReader) i() int32 { return int32(d.ir(-1<<31, 1<<31-1)) }

func (d *stateReader) bytes(limit uint64) []byte {
	n := d.u(limit)
	if d.err != nil {
		return nil
	}
	if uint64(len(d.b)) < n {
		d.fail("cut short")
		return nil
	}
	b := d.b[:n]
	d.b = d.b[n:]
	return b
}
