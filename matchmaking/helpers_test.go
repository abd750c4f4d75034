package matchmaking

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// t0 is the tests' "now".
var t0 = time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)

// sortTickets orders tickets oldest first, as a pool is.
func sortTickets(ts []Ticket) {
	slices.SortFunc(ts, func(a, b Ticket) int { return olderThan(&a, &b) })
}

func rl(region string, ms int) RegionLatency {
	return RegionLatency{Region: region, RTT: time.Duration(ms) * time.Millisecond}
}

// tk makes a ticket of mode "m" aged age at t0 with a party of n players
// (IDs id-0, id-1, ...); regions default to eu at 20ms.
func tk(id string, skill float64, age time.Duration, n int, regions ...RegionLatency) Ticket {
	if len(regions) == 0 {
		regions = []RegionLatency{rl("eu", 20)}
	}
	ps := make([]Player, n)
	for i := range ps {
		ps[i] = Player{ID: fmt.Sprintf("%s-%d", id, i), Name: fmt.Sprintf("P%s%d", id, i)}
	}
	return Ticket{ID: TicketID(id), Mode: "m", Players: ps, Skill: skill, Regions: regions, CreatedAt: t0.Add(-age)}
}

// sortedPool sorts tickets and returns them.
func sortedPool(ts ...Ticket) []Ticket {
	ts = slices.Clone(ts)
	sortTickets(ts)
	return ts
}

// matchIDs lists each match's ticket IDs, sorted within the match.
func matchIDs(out PassOutput) [][]string {
	var ms [][]string
	for _, m := range out.Matches {
		var ids []string
		for _, t := range m.Tickets {
			ids = append(ids, string(t.ID))
		}
		slices.Sort(ids)
		ms = append(ms, ids)
	}
	return ms
}

func backfillIDs(out PassOutput) []string {
	var ids []string
	for _, b := range out.Backfills {
		ids = append(ids, string(b.TicketID))
	}
	return ids
}

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: t0} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

func sec(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
