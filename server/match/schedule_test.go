package match

import (
	"testing"
	"time"
)

func TestScheduleDue(t *testing.T) {
	const period = 10 * time.Millisecond
	start := time.Unix(0, 0)
	type call struct {
		at      time.Duration // since start
		steps   int
		dropped uint64
		late    time.Duration
	}
	tests := []struct {
		name  string
		calls []call
	}{
		{"before the first period", []call{{at: 5 * time.Millisecond}}},
		{"one step per period", []call{
			{at: 10 * time.Millisecond, steps: 1},
			{at: 20 * time.Millisecond, steps: 1},
			{at: 30 * time.Millisecond, steps: 1},
		}},
		{"early ticker fire does nothing", []call{
			{at: 10 * time.Millisecond, steps: 1},
			{at: 19 * time.Millisecond},
			{at: 20 * time.Millisecond, steps: 1},
		}},
		{"lateness measured from the due time", []call{
			{at: 13 * time.Millisecond, steps: 1, late: 3 * time.Millisecond},
		}},
		{"short stall catches up", []call{
			{at: 10 * time.Millisecond, steps: 1},
			{at: 40 * time.Millisecond, steps: 3, late: 20 * time.Millisecond},
			{at: 50 * time.Millisecond, steps: 1},
		}},
		{"long stall is capped and time dropped", []call{
			{at: 10 * time.Millisecond, steps: 1},
			{at: 1010 * time.Millisecond, steps: 5, dropped: 95, late: 990 * time.Millisecond},
			// The schedule is re-anchored: the next step is one period later.
			{at: 1019 * time.Millisecond},
			{at: 1020 * time.Millisecond, steps: 1},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSchedule(start, period, 5)
			for i, c := range tt.calls {
				steps, dropped, late := s.due(start.Add(c.at))
				if steps != c.steps || dropped != c.dropped || (steps > 0 && late != c.late) {
					t.Errorf("call %d at %v: got steps=%d dropped=%d late=%v, want %d %d %v",
						i, c.at, steps, dropped, late, c.steps, c.dropped, c.late)
				}
			}
		})
	}
}
