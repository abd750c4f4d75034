package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/client/ui/play"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// TestNativeReplay runs the real client in a window on a recording file
// (skirmish-client -replay FILE): it loads, plays (the tick advances),
// seeks and follows a player through the replay player the keys drive,
// and a screenshot must show the match; a file that is not a recording
// shows why.
func TestNativeReplay(t *testing.T) {
	needDisplay(t)
	dir := t.TempDir()
	rules, err := arena.ModeRules("ffa", 0)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "m.skrec")
	if err := os.WriteFile(file, servertest.Recording(t, rules, servertest.RecordingOptions{Mode: "ffa", Players: 5, Ticks: 1200}), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.skrec")
	os.WriteFile(bad, []byte("not a recording"), 0o644)

	for _, tc := range []struct {
		file, err string
	}{
		{file, ""},
		{bad, "not a Skirmish recording"},
		{filepath.Join(dir, "missing.skrec"), "no such file"},
	} {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			statuses := make(chan ReplayStatus, 1024)
			g := New(ctx, Options{Replay: tc.file, OnReplay: func(st ReplayStatus) {
				select {
				case statuses <- st:
				default:
				}
			}})
			runner.set(g)
			defer runner.set(nil)
			var st ReplayStatus
			for deadline := time.After(10 * time.Second); st.Loading || (st.Ticks == 0 && st.Err == ""); {
				select {
				case st = <-statuses:
				case <-deadline:
					t.Fatalf("the recording did not load: %+v", st)
				}
			}
			if tc.err != "" {
				if !strings.Contains(st.Err, tc.err) {
					t.Fatalf("error %q, want one saying %q", st.Err, tc.err)
				}
				return
			}
			if st.Err != "" || st.Ticks != 1200 || st.Follow != 1 || !st.Playing {
				t.Fatalf("loaded: %+v", st)
			}
			first := st.Tick
			time.Sleep(500 * time.Millisecond)
			var tick uint32
			runner.do(func() {
				p := g.replay.p
				tick = p.Tick()
				p.Pause()
				p.Seek(900)
				p.Follow(4)
			})
			if tick < first+10 {
				t.Fatalf("in half a second the replay went from tick %d to %d", first, tick)
			}
			time.Sleep(200 * time.Millisecond)
			runner.do(func() {
				p := g.replay.p
				st = ReplayStatus{Tick: p.Tick(), Follow: uint32(p.Following()), Players: len(p.Players())}
			})
			if st.Tick != 900 || st.Follow != 4 || st.Players != 5 {
				t.Fatalf("after the seek and follow: %+v", st)
			}
			img := screenshot(g)
			path := artifact(t, "native-replay.png", img)
			colors, share := drawnContent(img)
			t.Logf("screenshot: %d colours, %.0f%% not background: %s", colors, share*100, path)
			if colors < 20 || share < 0.3 {
				t.Fatalf("the frame looks blank: %d colours, %.0f%% drawn", colors, share*100)
			}
			// Esc leaves the viewer for the menu.
			press(g, func(in *inputState) { in.back = true })
			var viewer bool
			var phase play.Phase
			runner.do(func() { viewer, phase = g.replay != nil, g.Machine().Phase() })
			if viewer || phase != play.PhaseMenu {
				t.Fatalf("after Esc: viewer shown %v, screen %v; want the menu", viewer, phase)
			}
		})
	}
}
