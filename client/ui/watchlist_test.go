package ui

import (
	"context"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/client/ui/play"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// TestNativeWatchList: the menu's WATCH A MATCH lists the server's running
// match; a click on it shows the match as a spectator (player 0, no seat).
func TestNativeWatchList(t *testing.T) {
	needDisplay(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rules := arena.New(nil)
	srv, url := servertest.StartServer(t, rules, &server.Options{SpectateDelay: 300 * time.Millisecond})
	watch(t, ctx, url, "ann") // a player, so there is a match to watch
	servertest.WaitFor(t, "the match", func() bool { return len(srv.Matches()) == 1 })

	g := New(ctx, Options{Server: url, Rules: rules})
	runner.set(g)
	defer func() {
		runner.do(func() { g.Machine().Leave() })
		runner.set(nil)
	}()
	click := func(r func() rect) {
		var at rect
		runner.do(func() { at = r() })
		press(g, func(in *inputState) { in.click, in.cursorX, in.cursorY = true, at.cx(), at.cy() })
	}
	time.Sleep(200 * time.Millisecond)
	click(func() rect { return g.menuLayout().watch })
	servertest.WaitFor(t, "the list", func() bool {
		var n int
		runner.do(func() {
			if g.menu.watch != nil {
				rows, _, _ := g.watchRows()
				n = len(rows)
			}
		})
		return n == 1
	})
	time.Sleep(200 * time.Millisecond)
	artifact(t, "screen-watch-list.png", screenshot(g))

	click(func() rect { return g.watchLayout().rows[0] })
	servertest.WaitFor(t, "the match on screen", func() bool {
		var p play.Phase
		runner.do(func() { p = g.Machine().Phase() })
		return p == play.PhasePlaying
	})
	var st play.State
	runner.do(func() { st = g.Machine().State() })
	if st.Player != 0 || st.Match != srv.Matches()[0].ID {
		t.Fatalf("on screen as player %d in match %q, want a spectator of %s", st.Player, st.Match, srv.Matches()[0].ID)
	}
	if seats := srv.Matches()[0].Seats; seats.Taken() != 1 {
		t.Fatalf("seats %+v: the spectator took one", seats)
	}
	// The movement keys pan the free camera.
	var x0, x1 float64
	runner.do(func() { x0 = g.match.freeX })
	for range 10 {
		press(g, func(in *inputState) { in.right = true })
	}
	time.Sleep(300 * time.Millisecond)
	runner.do(func() { x1 = g.match.freeX })
	if x1 <= x0 {
		t.Errorf("the free camera stayed at x %v after holding right (from %v)", x1, x0)
	}
	time.Sleep(time.Second)
	img := screenshot(g)
	path := artifact(t, "screen-spectating.png", img)
	if colors, share := drawnContent(img); colors < 50 || share < 0.5 {
		t.Errorf("%s looks blank: %d colours, %.0f%% drawn", path, colors, share*100)
	}
}
