package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/servertest"
	"github.com/skirmishgg/skirmish/server/setup"
)

// TestBrowserSpectates: the page opened with ?spectate=MATCH shows the
// running match of a Go player, as a spectator (player 0), without taking
// a seat.
func TestBrowserSpectates(t *testing.T) {
	env := needBrowser(t)
	st := servertest.StartStack(t, setup.Options{
		Direct: arena.New(nil), Web: env.web,
		Server: server.Options{SpectateDelay: 500 * time.Millisecond},
	})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := watch(ctx, st.URL, "e2e-player"); err != nil {
		t.Fatal(err)
	}
	servertest.WaitFor(t, "the match", func() bool { return len(st.Server.Matches()) == 1 })
	id := st.Server.Matches()[0].ID
	var res struct {
		Phases []string `json:"phases"`
		Player uint32   `json:"player"`
		Match  string   `json:"match"`
	}
	shot := runNode(t, ctx, env, "spectate.mjs", st.HTTP, "browser-spectate.png", id, &res)
	t.Logf("phases %v; spectating match %s as player %d; screenshot %s", res.Phases, res.Match, res.Player, shot)
	if res.Match != id || res.Player != 0 {
		t.Fatalf("the page is player %d in match %q, want a spectator (0) of %s", res.Player, res.Match, id)
	}
	if seats := st.Server.Matches()[0].Seats; seats.Taken() != 1 {
		t.Fatalf("seats %+v: want only the Go player's", seats)
	}
	if n := servertest.Metric(t, st.Server.Registry(), "skirmish_spectator_encodes_total", "kind", "key"); n < 1 {
		t.Fatal("the server encoded no spectator keyframe: the page did not spectate")
	}
}
