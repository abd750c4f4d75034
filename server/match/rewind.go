package match

// rewind is the lag of an input sent when its client had the snapshot of
// tick viewed, taken at this step: the ticks since that snapshot (the
// round trip, about) plus the interpolation delay the client draws the
// others with, bounded by MaxRewind. The game judges the player's shots
// that far back (game.Input.Rewind); the input keeps it while it is held,
// as the client's view moves on with the ticks.
func (m *Match) rewind(viewed uint32) uint16 {
	if m.opts.MaxRewind < 0 || viewed > m.tick {
		return 0
	}
	maxTicks := int64(m.opts.MaxRewind / m.period)
	interp := int64((m.opts.InterpDelay + m.period/2) / m.period)
	return uint16(min(int64(m.tick-viewed)+interp, maxTicks, 1<<16-1))
}
