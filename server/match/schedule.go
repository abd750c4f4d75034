package match

import "time"

// schedule decides how many fixed steps are due at a given time. Steps are
// anchored to a start time rather than counted per ticker fire, so ticker
// jitter never changes the tick rate; after a stall at most maxCatchUp steps
// run back to back and the rest of the lost time is dropped, so an overloaded
// match slows down instead of spiralling.
type schedule struct {
	period     time.Duration
	maxCatchUp int
	start      time.Time // time of step 0, moved forward when time is dropped
	done       uint64    // steps handed out since start
}

func newSchedule(start time.Time, period time.Duration, maxCatchUp int) schedule {
	return schedule{period: period, maxCatchUp: maxCatchUp, start: start}
}

// due returns the number of steps to run now, how many were dropped, and how
// late the first due step is.
func (s *schedule) due(now time.Time) (steps int, dropped uint64, late time.Duration) {
	elapsed := now.Sub(s.start)
	if elapsed < 0 {
		return 0, 0, 0
	}
	target := uint64(elapsed / s.period)
	if target <= s.done {
		return 0, 0, 0
	}
	behind := target - s.done
	late = elapsed - time.Duration(s.done+1)*s.period
	if behind > uint64(s.maxCatchUp) {
		dropped = behind - uint64(s.maxCatchUp)
		s.start = s.start.Add(time.Duration(dropped) * s.period)
		behind = uint64(s.maxCatchUp)
	}
	s.done += behind
	return int(behind), dropped, late
}
