package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/client/clientnet"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/servertest"
	"github.com/skirmishgg/skirmish/server/setup"
)

// TestNativeReplayList: the menu's REPLAYS lists the recordings a real
// `serve -record DIR -serve-replays` shares, newest first; the keys
// scroll it, Enter opens the chosen one in the replay viewer (it loads
// and plays), and Esc comes back to the list, then to the menu. Against
// a server without -serve-replays the screen says so in plain words.
func TestNativeReplayList(t *testing.T) {
	needDisplay(t)
	dir := t.TempDir()
	rules, err := arena.ModeRules("ffa", 0)
	if err != nil {
		t.Fatal(err)
	}
	// Eight recordings (one match's bytes under eight names), a minute
	// apart, the oldest first: more than the screen shows at once.
	const count, ticks = 8, 600
	rec := servertest.Recording(t, rules, servertest.RecordingOptions{Mode: "ffa", Players: 3, Ticks: ticks})
	now := time.Now().UTC().Truncate(time.Second)
	var names []string // newest first
	for i := range count {
		end := now.Add(time.Duration(i-count) * time.Minute)
		name := fmt.Sprintf("m_rec%d-%s.skrec", i, end.Add(-90*time.Second).Format("20060102T150405.000Z"))
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, rec, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, end, end); err != nil {
			t.Fatal(err)
		}
		names = append([]string{name}, names...)
	}
	serve := func(share bool) string {
		base, _ := servertest.Serve(t, setup.Options{Server: server.Options{RecordDir: dir}, Direct: rules}, setup.ServeOptions{ServeReplays: share})
		return "ws" + strings.TrimPrefix(base, "http") + "/ws"
	}

	// open starts a client on url and opens REPLAYS, with a click or the
	// keyboard (Tab to it, Enter); it returns the client once the list
	// has been read.
	open := func(t *testing.T, url string, keys bool) *Game {
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel)
		g := New(ctx, Options{Server: url, Rules: rules})
		runner.set(g)
		t.Cleanup(func() { runner.set(nil) })
		servertest.WaitFor(t, "a frame of the menu", func() bool { // the layout knows the window
			drawn := false
			runner.do(func() { drawn = g.frame > 1 && g.w > 0 })
			return drawn
		})
		if keys {
			press(g, func(in *inputState) { in.tab = true }) // NAME → WATCH A MATCH
			press(g, func(in *inputState) { in.tab = true }) // → REPLAYS
			press(g, func(in *inputState) { in.confirm = true })
		} else {
			artifact(t, "screen-menu.png", screenshot(g))
			var at rect
			runner.do(func() { at = g.menuLayout().replays })
			press(g, func(in *inputState) { in.click, in.cursorX, in.cursorY = true, at.cx(), at.cy() })
		}
		servertest.WaitFor(t, "the list", func() bool {
			ready := false
			runner.do(func() { ready = g.menu.replays != nil && g.menu.replays.list.Ready() })
			return ready
		})
		time.Sleep(100 * time.Millisecond) // the list drawn
		return g
	}
	// state reads the list's screen on the game goroutine.
	type listState struct {
		items    []clientnet.ReplayInfo
		err      error
		top, sel int
		viewer   bool
		list     bool
	}
	state := func(g *Game) (st listState) {
		runner.do(func() {
			st.viewer, st.list = g.replay != nil, g.menu.replays != nil
			if r := g.menu.replays; r != nil {
				st.items, _, st.err = r.items()
				st.top, st.sel = r.top, r.sel
			}
		})
		return st
	}

	t.Run("shared", func(t *testing.T) {
		g := open(t, serve(true), false)
		artifact(t, "screen-replay-list.png", screenshot(g))
		st := state(g)
		if st.err != nil || len(st.items) != count {
			t.Fatalf("the list: %d recordings, %v; want %d", len(st.items), st.err, count)
		}
		for i, it := range st.items {
			if it.Name != names[i] || it.Length() != 90*time.Second {
				t.Fatalf("row %d: %s (%v long), want %s (1m30s)", i, it.Name, it.Length(), names[i])
			}
		}
		if got := replayTitle(st.items[0]); got != "match m_rec7 · 1:30" {
			t.Errorf("the newest row reads %q", got)
		}
		// ↓ to the last one scrolls it into view; ↑ once selects the one
		// before it.
		for range count {
			press(g, func(in *inputState) { in.navDown = true })
		}
		press(g, func(in *inputState) { in.navUp = true })
		if st = state(g); st.sel != count-2 || st.top != count-replayRows {
			t.Fatalf("after ↓×%d ↑: selected %d, first shown %d; want %d, %d", count, st.sel, st.top, count-2, count-replayRows)
		}
		artifact(t, "screen-replay-list-scrolled.png", screenshot(g))

		// Enter opens it in the viewer, which loads it from the server
		// and plays.
		press(g, func(in *inputState) { in.confirm = true })
		servertest.WaitFor(t, "the replay playing", func() bool {
			var tick, n uint32
			runner.do(func() {
				if r := g.replay; r != nil && r.p != nil {
					tick, n = r.p.Tick(), r.p.Ticks()
				}
			})
			return n == ticks && tick > 30
		})
		var src string
		runner.do(func() { src = g.replay.src })
		if !strings.HasSuffix(src, "/replays/"+names[count-2]) {
			t.Fatalf("the viewer opened %s, want the chosen %s", src, names[count-2])
		}
		img := screenshot(g)
		path := artifact(t, "screen-replay-from-list.png", img)
		if colors, share := drawnContent(img); colors < 20 || share < 0.3 {
			t.Fatalf("%s looks blank: %d colours, %.0f%% drawn", path, colors, share*100)
		}

		// Esc leaves the viewer for the list, as it was; Esc again the
		// menu.
		press(g, func(in *inputState) { in.back = true })
		if st = state(g); st.viewer || !st.list || st.sel != count-2 {
			t.Fatalf("after Esc in the viewer: viewer %v, list %v, selected %d", st.viewer, st.list, st.sel)
		}
		// The mouse: the wheel scrolls back to the top, a click on the
		// first row opens the newest recording, BACK in the viewer and
		// on the list go back.
		press(g, func(in *inputState) { in.wheel = 3 })
		if st = state(g); st.top != 0 || st.sel != replayRows-1 {
			t.Fatalf("after the wheel: first shown %d, selected %d; want 0, %d", st.top, st.sel, replayRows-1)
		}
		click := func(r func() rect) {
			var at rect
			runner.do(func() { at = r() })
			press(g, func(in *inputState) { in.click, in.cursorX, in.cursorY = true, at.cx(), at.cy() })
		}
		click(func() rect { return g.replayListLayout().rows[0] })
		src = ""
		runner.do(func() {
			if g.replay != nil {
				src = g.replay.src
			}
		})
		if !strings.HasSuffix(src, "/replays/"+names[0]) {
			t.Fatalf("a click on the first row opened %q, want the newest, %s", src, names[0])
		}
		click(g.replayBack)
		if st = state(g); st.viewer || !st.list {
			t.Fatalf("after BACK in the viewer: viewer %v, list %v", st.viewer, st.list)
		}
		click(func() rect { return g.replayListLayout().back })
		if st = state(g); st.list {
			t.Fatal("BACK on the list did not return to the menu")
		}
	})

	t.Run("not shared", func(t *testing.T) {
		g := open(t, serve(false), true)
		st := state(g)
		if !errors.Is(st.err, clientnet.ErrNotShared) || len(st.items) != 0 {
			t.Fatalf("the list of a server without -serve-replays: %d recordings, %v", len(st.items), st.err)
		}
		msg, more := replayListError(st.err)
		if msg != "This server does not share its replays." || !strings.Contains(more, "-serve-replays") {
			t.Errorf("the screen says %q, %q", msg, more)
		}
		img := screenshot(g)
		path := artifact(t, "screen-replay-list-not-shared.png", img)
		if colors, _ := drawnContent(img); colors < 10 {
			t.Errorf("%s looks blank: %d colours", path, colors)
		}
	})
}
