package play

import (
	"strings"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// A session with Spectate watches a running match of the real server: no
// player of its own, the others drawn, the delay known, and Tab's
// FollowNext moves the camera's target through the players and back to
// the whole arena.
func TestSessionSpectates(t *testing.T) {
	rules := arena.New(nil)
	srv, url := servertest.StartServer(t, rules, &server.Options{SpectateDelay: 300 * time.Millisecond})
	player := Start(t.Context(), Config{URL: url, Name: "ann", Rules: rules})
	defer player.Close()
	servertest.WaitFor(t, "the player to play", func() bool { return player.State().Status == StatusPlaying })
	id := srv.Matches()[0].ID

	watcher := Start(t.Context(), Config{URL: url, Rules: rules, Spectate: id})
	defer watcher.Close()
	servertest.WaitFor(t, "the spectator to see the match", func() bool { return watcher.State().Status == StatusPlaying })
	var sc Scene
	servertest.WaitFor(t, "the player in the spectator's scene", func() bool {
		watcher.Sample(time.Now(), &sc)
		return len(sc.Players) == 1
	})
	if !sc.Spectating || sc.Me != 0 || sc.HaveMe || sc.Following != 0 || sc.Match != id || watcher.SpectateDelay() != 300*time.Millisecond {
		t.Fatalf("scene spectating %v, me %d (%v), following %d, match %q, delay %v", sc.Spectating, sc.Me, sc.HaveMe, sc.Following, sc.Match, watcher.SpectateDelay())
	}
	if seats := srv.Matches()[0].Seats; seats.Taken() != 1 {
		t.Fatalf("seats %+v: the spectator took one", seats)
	}
	want := sc.Players[0].ID
	servertest.WaitFor(t, "the roster", func() bool { watcher.FollowNext(); watcher.Sample(time.Now(), &sc); return sc.Following == want })
	if !sc.HaveFollow {
		t.Fatal("following the player, but not where it is")
	}
	watcher.FollowNext()
	if watcher.Sample(time.Now(), &sc); sc.Following != 0 {
		t.Fatalf("after the last player the camera follows %d, want the whole arena", sc.Following)
	}
}

// The menu's Watch spectates the busiest match of the server, and says so
// when there is none; afterwards Play plays.
func TestMachineWatch(t *testing.T) {
	rules := arena.New(nil)
	srv, url := servertest.StartServer(t, rules, &server.Options{SpectateDelay: -1})
	m := NewMachine(t.Context(), Config{URL: url, Rules: rules})
	if !m.Watch() {
		t.Fatalf("Watch refused: %s", m.Err())
	}
	servertest.WaitFor(t, "the menu again", func() bool { m.Update(); return m.Phase() == PhaseMenu })
	if !strings.Contains(m.Err(), "No match is being played") || m.base.Spectate != "" {
		t.Fatalf("with no match: %q (spectate %q)", m.Err(), m.base.Spectate)
	}

	player := Start(t.Context(), Config{URL: url, Name: "ann", Rules: rules})
	defer player.Close()
	servertest.WaitFor(t, "the player to play", func() bool { return player.State().Status == StatusPlaying })
	if !m.Watch() {
		t.Fatalf("Watch refused: %s", m.Err())
	}
	servertest.WaitFor(t, "the match on screen", func() bool { m.Update(); return m.Phase() == PhasePlaying })
	if st := m.State(); st.Player != 0 || st.Match != srv.Matches()[0].ID {
		t.Fatalf("watching as player %d match %q, want a spectator of %s", st.Player, st.Match, srv.Matches()[0].ID)
	}
	m.Leave()
	if m.base.Spectate != "" {
		t.Fatal("after leaving, Play would spectate again")
	}
}
