package match

// rewind is the lag, in ticks, of an input its client sent having seen
// what seen says, taken at this step: the game judges the player's shots
// that far back (game.Input.Rewind). The input keeps it while it is held,
// as the client's view moves on with the ticks.
//
// With a reported view the rewind is the ticks since it: the client drew
// the others at that tick. A client cannot have seen past the newest
// snapshot it had, so a view newer than its ack counts as the ack (and
// the transport has checked that the ack was written to it). Without a
// view, the ticks since the ack plus the assumed InterpDelay. Either way
// at most MaxRewind: a view older than that is judged at the bound.
func (m *Match) rewind(seen Seen) uint16 {
	if m.opts.MaxRewind < 0 || seen.Ack == 0 || seen.Ack > m.tick {
		return 0
	}
	maxTicks := int64(m.opts.MaxRewind / m.period)
	var lag int64
	if seen.View != 0 {
		lag = int64(m.tick - min(seen.View, seen.Ack))
	} else {
		interp := int64((m.opts.InterpDelay + m.period/2) / m.period)
		lag = int64(m.tick-seen.Ack) + interp
	}
	return uint16(min(lag, maxTicks, 1<<16-1))
}
