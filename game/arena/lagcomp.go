package arena

// Lag compensation. A shooter saw the others where they were a round trip
// and an interpolation delay ago; the runtime puts that lag, in ticks, in
// each input (game.Input.Rewind). A bullet keeps its shooter's rewind from
// the tick it was fired, and every step tests the others at their
// positions that many ticks before it: the shot lands where the shooter's
// screen showed its target. Each player keeps the positions of its last
// rewindHistory ticks; a rewind never reaches back past the player's
// (re)spawn, so nobody is hit where a former life stood.
//
// Determinism: the rewind is part of the input, hence of a recording, and
// the history is a function of the hashed positions of past ticks (it is
// not hashed again); a bullet's rewind is hashed with the bullet.

// rewindHistory is how many ticks of positions each player keeps: a power
// of two, so the ring's index is a mask.
const rewindHistory = 32

// MaxRewindTicks is the longest rewind the arena honours (533 ms at 60
// Hz); the runtime's bound (default 200 ms) is usually tighter.
const MaxRewindTicks = rewindHistory - 1

// trail is a player's recent positions, by tick.
type trail struct {
	pos   [rewindHistory]Point
	since uint32 // the first tick of this life; earlier slots are stale
}

// remember stores the player's position at tick.
func (p *player) remember(tick uint32) {
	p.trail.pos[tick%rewindHistory] = Point{p.x, p.y}
}

// respawned starts a new life at tick: the rewind stops there.
func (p *player) respawned(tick uint32) {
	p.trail.since = tick
	p.remember(tick)
}

// at returns where the player was rewind ticks before now (the current
// tick), no further back than its life and its history go.
func (p *player) at(now uint32, rewind uint16) (x, y int32) {
	if rewind == 0 || now < p.trail.since {
		return p.x, p.y
	}
	r := uint32(min(rewind, MaxRewindTicks))
	t := p.trail.since
	if now >= r && now-r > t {
		t = now - r
	}
	pt := p.trail.pos[t%rewindHistory]
	return pt.X, pt.Y
}
