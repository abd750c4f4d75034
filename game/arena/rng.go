package arena

// splitmix is SplitMix64: a tiny, well-mixed generator whose whole state is
// one integer, which makes it trivial to hash and identical on every
// platform. The arena draws from it only to pick among free spawn points.
type splitmix struct {
	state uint64
}

func (s *splitmix) next() uint64 {
	s.state += 0x9e3779b97f4a7c15
	z := s.state
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// intn returns a number in [0, n); n must be positive. The modulo bias is
// negligible for the few choices the arena makes.
func (s *splitmix) intn(n int) int {
	return int(s.next() % uint64(n))
}
