package arena

// Hash implements game.World: a digest of every piece of simulation state,
// mixed in as integers in a fixed order, so equal hashes mean equal worlds
// on any platform. Events and the view are derived from this state and are
// not hashed separately. Match recordings store it after every step, so
// it mixes whole 64-bit words (one multiply each) rather than bytes.
func (w *World) Hash() uint64 {
	h := hasher{sum: hashSeed}
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
		if b.rewind != 0 { // only then, so worlds without lag compensation hash as before
			h.add(uint64(b.rewind))
		}
	}
	return h.sum
}

// hashSeed starts every digest.
const hashSeed = 14695981039346656037

// hasher mixes integers into a 64-bit digest, a word at a time: xor, a
// multiply by an odd constant and a shift-xor, each a bijection of the
// sum, so a change in any word changes the digest.
type hasher struct {
	sum uint64
}

func (h *hasher) add(vs ...uint64) {
	s := h.sum
	for _, v := range vs {
		s = (s ^ v) * 0x9e3779b97f4a7c15
		s ^= s >> 29
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
