package bot

import "sync/atomic"

// sight is what a bot's reader tells its sender about the world: where the
// bot is and where the nearest other player is. Lock-free, so neither side
// waits on the other.
type sight struct {
	self, target atomic.Uint64 // packed positions, see pack
	known        atomic.Uint32 // knowSelf | knowTarget
	tick         atomic.Uint32 // the snapshot they were seen in
}

const (
	knowSelf   = 1 << 0
	knowTarget = 1 << 1
)

func pack(x, y int32) uint64 { return uint64(uint32(x))<<32 | uint64(uint32(y)) }

func unpack(p uint64) (x, y int32) { return int32(uint32(p >> 32)), int32(uint32(p)) }

// see records the bot's position and its target's in the snapshot of tick;
// hasTarget false means no other player is in view.
func (s *sight) see(tick uint32, x, y, tx, ty int32, hasSelf, hasTarget bool) {
	// Stored apart from the positions: a sender may pair them with the
	// tick of the snapshot before or after, one snapshot interval off.
	s.tick.Store(tick)
	var k uint32
	if hasSelf {
		s.self.Store(pack(x, y))
		k |= knowSelf
	}
	if hasTarget {
		s.target.Store(pack(tx, ty))
		k |= knowTarget
	}
	s.known.Store(k)
}

// look returns the positions, and whether both are known.
func (s *sight) look() (x, y, tx, ty int32, ok bool) {
	if s.known.Load() != knowSelf|knowTarget {
		return 0, 0, 0, 0, false
	}
	x, y = unpack(s.self.Load())
	tx, ty = unpack(s.target.Load())
	return x, y, tx, ty, true
}

// seenAt is the tick of the snapshot the positions come from.
func (s *sight) seenAt() uint32 { return s.tick.Load() }

func (s *sight) forget() { s.known.Store(0) }
