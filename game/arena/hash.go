package arena

// Hash implements game.World: FNV-1a over every piece of simulation state,
// written as integers in a fixed order, so equal hashes mean equal worlds
// on any platform. Events and the view are derived from this state and are
// not hashed separately.
func (w *World) Hash() uint64 {
	h := fnv{sum: 14695981039346656037}
	h.add(uint64(w.rng.state))
	h.add(b2u(w.started), uint64(w.firstTick), uint64(w.tick), uint64(w.nextBullet))
	h.add(b2u(w.ended), uint64(len(w.reason)), uint64(w.winner))
	h.add(uint64(len(w.players)))
	for i := range w.players {
		p := &w.players[i]
		h.add(uint64(p.id), i2u(p.x), i2u(p.y), i2u(p.hp), i2u(p.score), i2u(p.deaths), i2u(p.cooldown))
		h.add(uint64(p.in.Seq), uint64(uint8(p.in.MoveX)), uint64(uint8(p.in.MoveY)), uint64(p.in.Aim), uint64(p.in.Buttons))
	}
	h.add(uint64(len(w.bullets)))
	for i := range w.bullets {
		b := &w.bullets[i]
		h.add(uint64(b.id), uint64(b.owner), uint64(b.dir), uint64(b.tick0))
		h.add(i2u(b.x0), i2u(b.y0), i2u(b.vx), i2u(b.vy), i2u(b.x), i2u(b.y))
	}
	return h.sum
}

// fnv is 64-bit FNV-1a fed with integers as 8 little-endian bytes each.
type fnv struct {
	sum uint64
}

func (h *fnv) add(vs ...uint64) {
	const prime = 1099511628211
	s := h.sum
	for _, v := range vs {
		s = (s ^ v&0xff) * prime
		s = (s ^ v>>8&0xff) * prime
		s = (s ^ v>>16&0xff) * prime
		s = (s ^ v>>24&0xff) * prime
		s = (s ^ v>>32&0xff) * prime
		s = (s ^ v>>40&0xff) * prime
		s = (s ^ v>>48&0xff) * prime
		s = (s ^ v>>56) * prime
	}
	h.sum = s
}

func i2u(v int32) uint64 { return uint64(uint32(v)) }

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}
