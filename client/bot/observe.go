package bot

import (
	"math"

	"github.com/skirmishgg/skirmish/client/clientnet"
	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/protocol"
)

// hpCost is how much farther than a healthy player, per hit point less, a
// bot still prefers a wounded one as its target (in position units).
const hpCost = 15

// observer watches one bot's connection from its reader: which other
// players moved, whether scores changed, and where to aim (through sight).
// It reads the schema from Welcome by name: the kind "player" with fields
// "x", "y", "score" and "hp" (dead players are not targets); a game without
// them is played blind.
type observer struct {
	sight *sight
	self  uint32

	player   uint8 // kind of players
	x, y     int   // field indexes; -1: unknown
	score    int
	hp       int
	moveMask uint8 // Changed.Mask bits of x and y

	moved        map[uint32]struct{} // other players seen moving on this connection
	scoreChanges int
	hits         int // hit events seen
}

// reset prepares the observer for a new connection.
func (o *observer) reset(w protocol.Welcome, s *sight) {
	o.sight = s
	o.self = w.Player
	o.player, o.x, _ = clientnet.LookupField(w.Kinds, "player", "x")
	_, o.y, _ = clientnet.LookupField(w.Kinds, "player", "y")
	_, o.score, _ = clientnet.LookupField(w.Kinds, "player", "score")
	_, o.hp, _ = clientnet.LookupField(w.Kinds, "player", "hp")
	o.moveMask = 0
	for _, f := range []int{o.x, o.y} {
		if f >= 0 {
			o.moveMask |= 1 << f
		}
	}
	if o.moved == nil {
		o.moved = make(map[uint32]struct{})
	}
	clear(o.moved)
	o.scoreChanges, o.hits = 0, 0
	s.forget()
}

// handle takes the message Next just read.
func (o *observer) handle(typ protocol.MsgType, c *clientnet.Conn) {
	switch typ {
	case protocol.MsgSnapshot:
		o.snapshot(c.Replica(), c.Snapshot())
	case protocol.MsgEvent:
		switch c.Event().Kind {
		case uint8(game.EventHit):
			o.hits++
		case uint8(game.EventScore):
			o.scoreChanges++
		}
	}
}

func (o *observer) snapshot(r *clientnet.Replica, s *protocol.Snapshot) {
	for i := range s.Changed {
		ch := &s.Changed[i]
		e := r.Find(ch.ID)
		if e == nil || e.Kind != o.player {
			continue
		}
		if ch.ID != o.self && ch.Mask&o.moveMask != 0 {
			if _, ok := o.moved[ch.ID]; !ok {
				o.moved[ch.ID] = struct{}{}
			}
		}
		if o.score >= 0 && ch.Mask&(1<<o.score) != 0 {
			o.scoreChanges++
		}
	}
	o.aim(s.Tick, r.Entities())
}

// aim tells the sender where the bot is and where the nearest other
// player is in the view of tick.
func (o *observer) aim(tick uint32, es []protocol.Entity) {
	if o.x < 0 || o.y < 0 {
		return
	}
	var (
		x, y, tx, ty      int32
		hasSelf, hasOther bool
	)
	for i := range es {
		if e := &es[i]; e.ID == o.self && e.Kind == o.player {
			x, y, hasSelf = e.Fields[o.x], e.Fields[o.y], true
			break
		}
	}
	if hasSelf {
		// The nearest player, with wounded ones counted as nearer: bots
		// gang up on the weak, so kills (and score changes) come sooner.
		best := int64(-1)
		for i := range es {
			e := &es[i]
			if e.Kind != o.player || e.ID == o.self {
				continue
			}
			cost := int64(0)
			if o.hp >= 0 {
				if e.Fields[o.hp] <= 0 {
					continue
				}
				cost = int64(e.Fields[o.hp]) * hpCost
			}
			dx, dy := float64(e.Fields[o.x])-float64(x), float64(e.Fields[o.y])-float64(y)
			if cost += int64(math.Sqrt(dx*dx + dy*dy)); best < 0 || cost < best {
				best, tx, ty, hasOther = cost, e.Fields[o.x], e.Fields[o.y], true
			}
		}
	}
	o.sight.see(tick, x, y, tx, ty, hasSelf, hasOther)
}
