package ui

import (
	"context"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/client/clientnet"
	"github.com/skirmishgg/skirmish/client/ui/play"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// press makes the next Update see what fn sets, as if from the devices.
func press(g *Game, fn func(*inputState)) {
	runner.do(func() { g.inject = append(g.inject, fn) })
}

// TestNativeScreens walks the screens by the keyboard path: the menu
// (typing a name), Enter to play, a 2-second match, its results, Enter to
// play again; each screen's screenshot must show drawn content.
func TestNativeScreens(t *testing.T) {
	needDisplay(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rules := arena.New(&arena.Config{TimeLimit: 120}) // 2 s matches
	_, url := servertest.StartServer(t, rules, nil)
	w := watch(t, ctx, url, "ann")

	phases := make(chan play.Phase, 16)
	g := New(ctx, Options{Server: url, Rules: rules, Identities: &clientnet.MemoryIdentities{}, OnPhase: func(p play.Phase, _ play.State) { phases <- p }})
	runner.set(g)
	defer func() {
		runner.do(func() { g.Machine().Leave() })
		runner.set(nil)
	}()
	waitFor := func(want play.Phase) {
		t.Helper()
		for deadline := time.After(15 * time.Second); ; {
			select {
			case p := <-phases:
				if p == want {
					return
				}
			case <-deadline:
				t.Fatalf("no %v screen", want)
			}
		}
	}
	// The menus are mostly the dark background: they need colours (text,
	// the card) rather than a large drawn share; the match covers the
	// screen with its floor.
	check := func(name string, minShare float64) {
		t.Helper()
		time.Sleep(200 * time.Millisecond)
		img := screenshot(g)
		path := artifact(t, name, img)
		if colors, share := drawnContent(img); colors < 50 || share < minShare {
			t.Errorf("%s looks blank: %d colours, %.0f%% drawn", path, colors, share*100)
		}
	}

	press(g, func(in *inputState) { in.chars = append(in.chars, []rune("ann")...) })
	check("screen-menu.png", 0.1)
	var name string
	runner.do(func() { name = g.Machine().Name })
	if name != "ann" {
		t.Fatalf("typed name: %q", name)
	}
	press(g, func(in *inputState) { in.confirm = true })
	waitFor(play.PhasePlaying)
	check("screen-match.png", 0.5)
	waitFor(play.PhaseResults)
	check("screen-results.png", 0.1)
	var res play.Results
	runner.do(func() { res = g.Machine().Results() })
	if me := res.MeRow(); me == nil || me.Name != "ann" {
		t.Fatalf("results: %+v", res)
	}
	w.mu.Lock()
	id := w.id
	w.mu.Unlock()
	if id == 0 || res.Me != id {
		t.Fatalf("results are of player %d, the server named ann %d", res.Me, id)
	}
	press(g, func(in *inputState) { in.confirm = true }) // play again
	waitFor(play.PhasePlaying)
	press(g, func(in *inputState) { in.back = true }) // Esc asks first
	time.Sleep(300 * time.Millisecond)
	var phase play.Phase
	runner.do(func() { phase = g.Machine().Phase() })
	if phase != play.PhasePlaying {
		t.Fatalf("one Esc left the running match (%v): it must ask first", phase)
	}
	check("screen-leave-confirm.png", 0.5)
	press(g, func(in *inputState) { in.back = true }) // Esc again: leave
	waitFor(play.PhaseMenu)
}
