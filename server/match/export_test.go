package match

// Hooks for the benchmarks of package match_test, which step a match
// without its loop.

// StepNow runs one step as the loop would.
// The peers it made ready are dropped, as a beat hands them on.
func (m *Match) StepNow() bool {
	ended := m.step()
	clear(m.ready)
	m.ready = m.ready[:0]
	return ended
}

// SeatNow seats a player as the loop does at a tick boundary.
func (m *Match) SeatNow(req JoinRequest) (*Player, error) {
	return m.seat(&joinRequest{JoinRequest: req})
}
