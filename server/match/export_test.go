package match

// Hooks for the benchmarks of package match_test, which step a match
// without its loop.

// StepNow runs one step as the loop would.
func (m *Match) StepNow() bool { return m.step() }

// SeatNow seats a player as the loop does at a tick boundary.
func (m *Match) SeatNow(req JoinRequest) (*Player, error) {
	return m.seat(&joinRequest{JoinRequest: req})
}
