package servertest

import (
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/clock"
	"github.com/skirmishgg/skirmish/server/match"
)

// Match is a running match on a fake clock, for tests of the runtime.
type Match struct {
	*match.Match
	Clock  *clock.Fake
	Period time.Duration
	t      testing.TB
}

// StartMatch runs a match of rules on a fake clock; opts may be nil (its
// Clock is replaced). The match is stopped when the test ends.
func StartMatch(t testing.TB, rules game.Rules, opts *match.Options) *Match {
	t.Helper()
	fake := clock.NewFake()
	var o match.Options
	if opts != nil {
		o = *opts
	}
	o.Clock = fake
	schema, err := match.NewSchema(rules)
	if err != nil {
		t.Fatal(err)
	}
	m := match.New("test", rules, schema, 1, o.WithDefaults())
	go m.Run()
	t.Cleanup(func() {
		m.Stop(protocol.CloseGoingAway, "test over")
		<-m.Done()
	})
	// The loop creates its ticker on start; wait so Advance reaches it.
	WaitFor(t, "the loop's ticker", func() bool { return fake.Tickers() > 0 })
	return &Match{Match: m, Clock: fake, Period: time.Second / time.Duration(rules.TickRate()), t: t}
}

// Advance moves the fake clock n periods, one at a time, waiting for each
// step to run.
func (m *Match) Advance(n int) {
	m.t.Helper()
	for range n {
		want := m.Stats().Ticks + 1
		m.Clock.Advance(m.Period)
		WaitFor(m.t, "the next tick", func() bool { return m.Stats().Ticks >= want })
	}
}

// Join seats a player with an in-memory peer directly (a fresh reserved
// seat under key) and returns both. Joins are taken at the next step, which
// it runs.
func (m *Match) Join(key, name string) (*match.Player, *Peer) {
	m.t.Helper()
	if err := m.Reserve(key, m.Clock.Now().Add(time.Minute), time.Time{}); err != nil {
		m.t.Fatalf("reserve %s: %v", key, err)
	}
	p, peer, err := m.TryJoin(match.JoinRequest{Key: key, Fresh: true, Name: name, ResumeToken: key})
	if err != nil {
		m.t.Fatalf("join %s: %v", key, err)
	}
	return p, peer
}

// TryJoin sends a join with a new in-memory peer and advances the clock
// until the loop has answered it.
func (m *Match) TryJoin(req match.JoinRequest) (*match.Player, *Peer, error) {
	m.t.Helper()
	peer := &Peer{Clock: m.Clock}
	req.Peer = peer
	type answer struct {
		p   *match.Player
		err error
	}
	done := make(chan answer, 1)
	go func() {
		p, err := m.Match.Join(req)
		done <- answer{p, err}
	}()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		m.Advance(1)
		select {
		case a := <-done:
			return a.p, peer, a.err
		case <-time.After(time.Millisecond):
		}
	}
	m.t.Fatal("join not answered")
	return nil, nil, nil
}

// Leave takes a player out at the next step, which it runs.
func (m *Match) Leave(p *match.Player, dropped bool) {
	m.t.Helper()
	m.Match.Leave(p, dropped)
	m.Advance(1)
}
