package matchmaking_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/skirmishgg/skirmish/matchmaking"
)

// The matching function on its own: four solo tickets make a 2v2.
func ExamplePass() {
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	var tickets []matchmaking.Ticket
	for i, skill := range []float64{1500, 1540, 1480, 1520} {
		tickets = append(tickets, matchmaking.Ticket{
			ID:        matchmaking.TicketID(fmt.Sprint("t", i)),
			Mode:      "2v2",
			Players:   []matchmaking.Player{{ID: fmt.Sprint("p", i)}},
			Skill:     skill,
			Regions:   []matchmaking.RegionLatency{{Region: "eu-west", RTT: 30 * time.Millisecond}},
			CreatedAt: now.Add(-time.Duration(4-i) * time.Second),
		})
	}
	out := matchmaking.Pass(matchmaking.PassInput{
		Now:     now,
		Mode:    matchmaking.ModeConfig{Name: "2v2", MaxPlayers: 4, Teams: 2},
		Tickets: tickets,
	})
	for _, m := range out.Matches {
		fmt.Println("match in", m.Region, "skills", m.SkillMin, "to", m.SkillMax)
		for _, t := range m.Tickets {
			fmt.Println(" ", t.ID, "team", t.Team)
		}
	}
	// Output:
	// match in eu-west skills 1480 to 1540
	//   t0 team 1
	//   t1 team 0
	//   t2 team 0
	//   t3 team 1
}

// The service, embedded: one local host, a pass, and the host admitting a
// player with the token.
func ExampleMatchmaker() {
	ctx := context.Background()
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	mm, err := matchmaking.New(&matchmaking.Options{
		Modes: []matchmaking.ModeConfig{{Name: "duel", MaxPlayers: 2, Teams: 2}},
		Clock: clock,
	})
	if err != nil {
		panic(err)
	}
	// The embedded default: this process is the only host.
	_ = mm.Directory().Heartbeat(ctx, matchmaking.Host{ID: "local", URL: "ws://localhost:8080/ws", Capacity: 64})

	var ids []matchmaking.TicketID
	for _, p := range []string{"alice", "bob"} {
		id, err := mm.Enqueue(ctx, matchmaking.Ticket{
			Mode:    "duel",
			Players: []matchmaking.Player{{ID: p}},
			Skill:   1500,
			Regions: []matchmaking.RegionLatency{{Region: "eu-west", RTT: 20 * time.Millisecond}},
		})
		if err != nil {
			panic(err)
		}
		ids = append(ids, id)
	}
	if _, err := mm.RunPass(ctx, now); err != nil {
		panic(err)
	}
	st, _ := mm.Status(ctx, ids[0])
	fmt.Println(st.State, st.Assignment.HostURL)

	// The host side: verify with the matchmaker's public key; the token
	// is good for its own match only.
	token, _ := st.Assignment.TokenFor("alice")
	claims, err := mm.Verifier().Verify(token, st.Assignment.MatchID, clock())
	fmt.Println(claims.PlayerID, err)
	_, err = mm.Verifier().Verify(token, "another-match", clock())
	fmt.Println(errors.Is(err, matchmaking.ErrTokenWrongMatch))
	// Output:
	// assigned ws://localhost:8080/ws
	// alice <nil>
	// true
}
