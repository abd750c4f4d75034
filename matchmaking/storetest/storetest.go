// Package storetest is the shared contract test suite of the matchmaking
// adapters: every implementation of matchmaking.Store, Directory, Leases,
// AssignmentBus and Results runs the same Run* suite (the memory ones from
// package matchmaking, the Redis ones from matchmaking/redisstore), so
// they behave alike. It also starts real redis-server processes for tests
// (StartRedis); there is no Redis mock.
//
// The suites are black-box: they use only the interfaces, and each
// subtest asks its factory for a fresh, empty instance.
package storetest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/matchmaking"
)

// T0 is the suites' "now": fake clocks start there.
func T0() time.Time { return time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC) }

// Clock is a settable clock for the suites and the adapters' own tests.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock at T0.
func NewClock() *Clock { return &Clock{t: T0()} }

// Now reads the clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward and returns the new time.
func (c *Clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

// Ticket makes a ticket of mode aged age at T0 whose party is the given
// players (IDs), in region eu at 20ms.
func Ticket(id, mode string, age time.Duration, players ...string) matchmaking.Ticket {
	ps := make([]matchmaking.Player, len(players))
	for i, p := range players {
		ps[i] = matchmaking.Player{ID: p, Name: strings.ToUpper(p)}
	}
	return matchmaking.Ticket{
		ID: matchmaking.TicketID(id), Mode: mode, Players: ps, Skill: 1500,
		Regions:   []matchmaking.RegionLatency{{Region: "eu", RTT: 20 * time.Millisecond}},
		CreatedAt: T0().Add(-age),
	}
}

// sortTickets orders tickets as a queue is: CreatedAt, then ID.
func sortTickets(ts []matchmaking.Ticket) {
	slices.SortFunc(ts, func(a, b matchmaking.Ticket) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(string(a.ID), string(b.ID))
	})
}

// sameJSON reports whether a and b encode alike: how the suites compare
// values that went through an adapter.
func sameJSON(t *testing.T, a, b any) bool {
	t.Helper()
	ja, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	jb, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(ja) == string(jb)
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// race runs f(i) for i in 0..n-1 on n goroutines released together.
func race(n int, f func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			f(i)
		})
	}
	close(start)
	wg.Wait()
}

func ids(ts []matchmaking.Ticket) string {
	var s []string
	for _, t := range ts {
		s = append(s, string(t.ID))
	}
	return fmt.Sprint(s)
}
