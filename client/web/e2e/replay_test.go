package e2e

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/servertest"
	"github.com/skirmishgg/skirmish/server/setup"
)

// TestBrowserReplay has the browser client watch a recording the server
// serves from its -record directory at /replays/, opened from the menu's
// REPLAYS list by keyboard: it plays, pauses,
// seeks, changes speed, follows players and frees the camera, checked
// through window.skirmish.replay (replay.mjs), with a screenshot; Esc
// leaves the viewer. Console errors fail it.
func TestBrowserReplay(t *testing.T) {
	env := needBrowser(t)
	dir := t.TempDir()
	rules, err := arena.ModeRules("ffa", 0)
	if err != nil {
		t.Fatal(err)
	}
	const name = "e2e-replay-20261204T120000.000Z.skrec"
	const ticks = 40 * 60 // 40 s: room for the seeks either way
	rec := servertest.Recording(t, rules, servertest.RecordingOptions{Mode: "ffa", Players: 6, Ticks: ticks})
	if err := os.WriteFile(filepath.Join(dir, name), rec, 0o644); err != nil {
		t.Fatal(err)
	}
	base := servertest.StartStack(t, setup.Options{
		Server: server.Options{RecordDir: dir},
		Direct: arena.New(nil),
		Web:    env.web,
	}).HTTP

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var res struct {
		Ticks              uint32  `json:"ticks"`
		Players            int     `json:"players"`
		LoadMs             float64 `json:"loadMs"`
		TicksPerSecondAt2x float64 `json:"ticksPerSecondAt2x"`
		Shot               string  `json:"shot"`
		Steps              []struct {
			What string  `json:"what"`
			Ms   float64 `json:"ms"`
		} `json:"steps"`
		FromMenu bool   `json:"fromMenu"`
		ListShot string `json:"listShot"`
		Left     bool   `json:"left"`
		Final    struct {
			Follow     uint32 `json:"follow"`
			FollowName string `json:"followName"`
			Playing    bool   `json:"playing"`
		} `json:"final"`
	}
	start := time.Now()
	shot := runNode(t, ctx, env, "replay.mjs", base, "browser-replay.png", "replay", &res)
	t.Logf("the run took %v; the page loaded the client and the %d-byte recording in %.0f ms", time.Since(start).Round(time.Millisecond), len(rec), res.LoadMs)
	for _, s := range res.Steps {
		t.Logf("%s: %.0f ms", s.What, s.Ms)
	}
	t.Logf("at 2×: %.0f ticks a second (60 at 1×); screenshots %s, %s (the list)", res.TicksPerSecondAt2x, shot, res.ListShot)
	if !res.FromMenu || !res.Left {
		t.Errorf("opened from the menu %v, left by Esc %v", res.FromMenu, res.Left)
	}
	if res.Ticks != ticks || res.Players != 6 {
		t.Errorf("the page shows %d ticks and %d players, the recording has %d and 6", res.Ticks, res.Players, ticks)
	}
	// Loosely: a busy machine drops frames, never replay time.
	if res.TicksPerSecondAt2x < 80 || res.TicksPerSecondAt2x > 160 {
		t.Errorf("at 2× the replay moved %.0f ticks a second, want about 120", res.TicksPerSecondAt2x)
	}
	if res.Final.Follow != 3 || res.Final.FollowName != "bot-3" || !res.Final.Playing {
		t.Errorf("at the end the page follows %d (%q), playing %v; want player 3, bot-3, playing", res.Final.Follow, res.Final.FollowName, res.Final.Playing)
	}
}
