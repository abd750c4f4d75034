package arena

import (
	"errors"
	"slices"
	"testing"

	"github.com/skirmishgg/skirmish/game"
)

func TestScoreLimitEnd(t *testing.T) {
	cfg := openConfig()
	cfg.ScoreLimit = 2
	cfg.Damage = 100
	h := newHarness(t, cfg, 1, 2, 3)
	h.place(3, 1900, 1900)
	for kill := 1; kill <= 2; kill++ {
		h.place(1, 500, 500)
		h.place(2, 600, 500)
		h.in[1] = fireInput(aimRight)
		for h.player(1).score < int32(kill) && h.tick < 1000 {
			h.step(1)
		}
		delete(h.in, 1)
	}
	out := h.w.Outcome()
	if !out.Ended || out.Reason != ReasonScoreLimit || out.Winner != 1 {
		t.Fatalf("outcome %+v, want ended by score_limit, winner 1", out)
	}
	want := []game.Result{{Player: 1, Score: 2}, {Player: 3}, {Player: 2, Deaths: 2}}
	if !slices.Equal(out.Results, want) {
		t.Errorf("results %+v, want %+v", out.Results, want)
	}
}

func TestTimeLimitEnd(t *testing.T) {
	cfg := openConfig()
	cfg.TimeLimit = 100
	h := newHarness(t, cfg, 1, 2, 3, 4)
	h.player(1).score, h.player(1).deaths = 2, 1
	h.player(2).score, h.player(2).deaths = 2, 0
	h.player(3).score, h.player(3).deaths = 2, 0
	h.player(4).score = 1
	h.tick = 40 // the limit counts from the first Step, whatever its tick
	h.step(99)
	if out := h.w.Outcome(); out.Ended {
		t.Fatalf("ended after 99 steps: %+v", out)
	}
	h.step(1)
	out := h.w.Outcome()
	if !out.Ended || out.Reason != ReasonTimeLimit || out.Winner != 2 {
		t.Fatalf("outcome %+v, want ended by time_limit, winner 2", out)
	}
	// Score desc, then deaths asc, then ID asc.
	want := []game.Result{{Player: 2, Score: 2, Deaths: 0}, {Player: 3, Score: 2, Deaths: 0}, {Player: 1, Score: 2, Deaths: 1}, {Player: 4, Score: 1, Deaths: 0}}
	if !slices.Equal(out.Results, want) {
		t.Errorf("results %+v, want %+v", out.Results, want)
	}
	if d := New(nil).Config().TimeLimit; d != 18000 {
		t.Errorf("default time limit %d steps, want 18000", d)
	}
}

func TestStepAfterEndDoesNothing(t *testing.T) {
	cfg := openConfig()
	cfg.TimeLimit = 30
	h := newHarness(t, cfg, 1, 2)
	h.in[1] = game.Input{MoveX: 127, Buttons: game.ButtonFire}
	h.in[2] = game.Input{MoveY: 127, Aim: aimLeft, Buttons: game.ButtonFire}
	h.step(30)
	if !h.w.Outcome().Ended {
		t.Fatal("not ended at the time limit")
	}
	hash, view := h.w.Hash(), h.w.AppendView(nil)
	h.step(50)
	if h.w.Hash() != hash {
		t.Error("Step after the end changed the state")
	}
	if v := h.w.AppendView(nil); !slices.Equal(v, view) {
		t.Error("Step after the end changed the view")
	}
	if evs := h.events(); len(evs) != 0 {
		t.Errorf("Step after the end reported %v", evs)
	}
}

func TestAddPlayerErrors(t *testing.T) {
	w := New(&Config{MaxPlayers: 2}).NewWorld(1)
	steps := []struct {
		id   game.PlayerID
		want error
	}{
		{0, ErrBadID},
		{MaxPlayerID + 1, ErrBadID},
		{7, nil},
		{7, ErrDuplicate},
		{MaxPlayerID, nil},
		{3, ErrFull},
	}
	for _, s := range steps {
		if err := w.AddPlayer(s.id); !errors.Is(err, s.want) {
			t.Errorf("AddPlayer(%d) = %v, want %v", s.id, err, s.want)
		}
	}
	w.RemovePlayer(7)
	w.RemovePlayer(12345) // unknown: nothing happens
	if err := w.AddPlayer(3); err != nil {
		t.Errorf("AddPlayer after a leave: %v", err)
	}
}

func TestRemovePlayerRemovesBullets(t *testing.T) {
	h := newHarness(t, openConfig(), 1, 2)
	h.place(1, 500, 500)
	h.place(2, 500, 1500)
	h.in[1] = fireInput(aimRight)
	h.in[2] = fireInput(aimRight)
	h.step(20)
	owners := map[int32]int{}
	for _, b := range h.bullets() {
		owners[b.Fields[BulletOwner]]++
	}
	if owners[1] != 2 || owners[2] != 2 {
		t.Fatalf("bullets per owner %v, want 2 each", owners)
	}
	h.w.RemovePlayer(1)
	delete(h.in, 1)
	for _, e := range h.w.AppendView(nil) {
		if e.ID == 1 || (e.Kind == KindBullet && e.Fields[BulletOwner] == 1) {
			t.Errorf("entity %+v of the removed player left in the view", e)
		}
	}
	if n := len(h.bullets()); n != 2 {
		t.Errorf("%d bullets left, want the other player's 2", n)
	}
}

func TestSpawnEvents(t *testing.T) {
	h := newHarness(t, nil, 1, 2)
	if evs := h.events(); len(evs) != 0 {
		t.Fatalf("events before the first Step: %v", evs)
	}
	h.step(1)
	evs := h.events()
	if len(evs) != 2 {
		t.Fatalf("events %+v, want the two spawns", evs)
	}
	for i, id := range []game.PlayerID{1, 2} {
		p := h.player(id)
		want := game.Event{Kind: game.EventSpawn, Tick: 1, Actor: id, X: ToView(p.x), Y: ToView(p.y)}
		if evs[i] != want {
			t.Errorf("event %+v, want %+v", evs[i], want)
		}
		if !isSpawn(h.r, p.x, p.y) {
			t.Errorf("player %d not on a spawn point", id)
		}
	}
	if a, b := h.player(1), h.player(2); a.x == b.x && a.y == b.y {
		t.Error("both players spawned on the same point")
	}
	h.step(1)
	if evs := h.events(); len(evs) != 0 {
		t.Errorf("spawn events repeated: %v", evs)
	}
	// A player who leaves before the next Step takes its spawn event along.
	h.w.AddPlayer(3)
	h.w.RemovePlayer(3)
	h.step(1)
	if evs := h.events(); len(evs) != 0 {
		t.Errorf("spawn event of a player who left: %v", evs)
	}
}

func TestSpawnChoice(t *testing.T) {
	const u = SubunitsPerUnit
	spawns := []Point{{100, 100}, {1900, 1900}, {1000, 1000}}
	world := func(seed uint64, clearance int32, p0, p1 Point) *World {
		w := New(&Config{Walls: []Rect{}, Spawns: spawns, SpawnClearance: clearance}).NewWorld(seed).(*World)
		w.AddPlayer(1)
		w.AddPlayer(2)
		w.players[0].x, w.players[0].y = p0.X*u, p0.Y*u
		w.players[1].x, w.players[1].y = p1.X*u, p1.Y*u
		return w
	}
	chosen := map[Point]bool{}
	for seed := range uint64(32) {
		// Only (1900, 1900) is free.
		w := world(seed, 0, Point{100, 100}, Point{1000, 1100})
		if x, y := w.pickSpawn(-1); x != 1900*u || y != 1900*u {
			t.Fatalf("seed %d: spawn (%d, %d), want the free point", seed, x, y)
		}
		// None free: the point farthest from its nearest player.
		w = world(seed, 5000, Point{100, 100}, Point{1800, 1800})
		if x, y := w.pickSpawn(-1); x != 1000*u || y != 1000*u {
			t.Fatalf("seed %d: spawn (%d, %d), want the farthest point", seed, x, y)
		}
		// The respawning player does not block its own point: two free.
		w = world(seed, 0, Point{100, 100}, Point{1800, 1800})
		x, y := w.pickSpawn(0)
		chosen[Point{x / u, y / u}] = true
	}
	if want := map[Point]bool{{100, 100}: true, {1000, 1000}: true}; len(chosen) != 2 || !chosen[Point{100, 100}] || !chosen[Point{1000, 1000}] {
		t.Errorf("random choice among free points gave %v, want %v", chosen, want)
	}
}

func TestInputs(t *testing.T) {
	h := newHarness(t, openConfig(), 1, 2)
	h.place(1, 1000, 1000)
	h.place(2, 500, 500)
	h.step(1)
	// Unknown players and duplicate entries: the last entry wins.
	h.tick++
	h.w.Step(h.tick, []game.PlayerInput{
		{Player: 99, Input: game.Input{MoveX: 127}},
		{Player: 1, Input: game.Input{MoveX: -127}},
		{Player: 1, Input: game.Input{MoveX: 127}},
	})
	if p := h.player(1); p.x != 1000*SubunitsPerUnit+400 {
		t.Errorf("x = %d, want %d", p.x, 1000*SubunitsPerUnit+400)
	}
	// A player absent from inputs stands still.
	h.step(5)
	if p := h.player(1); p.x != 1000*SubunitsPerUnit+400 {
		t.Errorf("absent player moved to x = %d", p.x)
	}
	if p := h.player(2); p.x != 500*SubunitsPerUnit || p.y != 500*SubunitsPerUnit {
		t.Errorf("idle player moved to (%d, %d)", p.x, p.y)
	}
}

func TestOutcomeBeforeEnd(t *testing.T) {
	h := newHarness(t, nil, 3, 1, 2)
	h.player(2).score = 5
	out := h.w.Outcome()
	if out.Ended || out.Winner != 0 || out.Reason != "" {
		t.Errorf("outcome %+v before the end", out)
	}
	want := []game.Result{{Player: 2, Score: 5, Deaths: 0}, {Player: 1, Score: 0, Deaths: 0}, {Player: 3, Score: 0, Deaths: 0}}
	if !slices.Equal(out.Results, want) {
		t.Errorf("standings %+v, want %+v", out.Results, want)
	}
}

// TestExtremeConfig: absurd settings are clamped into a working game.
func TestExtremeConfig(t *testing.T) {
	cfgs := []*Config{
		{WorldWidth: -5, WorldHeight: 1, PlayerRadius: 1 << 30, TickRate: 1},
		{WorldWidth: 1 << 30, WorldHeight: 1 << 30, PlayerSpeed: 1 << 30, BulletSpeed: 1 << 30,
			BulletRadius: 1 << 30, PlayerRadius: 1 << 30, TickRate: 1 << 30, BulletLifetime: 1 << 30},
		{Walls: []Rect{{5000, 5000, -100, -100}}, Spawns: []Point{{-1, 1 << 30}}, MaxPlayers: 1 << 30},
	}
	for i, cfg := range cfgs {
		r := New(cfg)
		w := r.NewWorld(uint64(i))
		for id := game.PlayerID(1); id <= 4; id++ {
			if err := w.AddPlayer(id); err != nil {
				t.Fatalf("config %d: AddPlayer: %v", i, err)
			}
		}
		rng := splitmix{uint64(i)}
		for tick := uint32(1); tick <= 300; tick++ {
			var in []game.PlayerInput
			for id := game.PlayerID(1); id <= 4; id++ {
				in = append(in, game.PlayerInput{Player: id, Input: game.Input{
					MoveX: int8(rng.next()), MoveY: int8(rng.next()), Aim: uint16(rng.next()), Buttons: uint8(rng.next()),
				}})
			}
			w.Step(tick, in)
		}
		w.AppendView(nil)
		w.Hash()
	}
}

// TestLiveStandingsFollowKills: the standings a running match reports are
// ranked again after every kill, though most steps rank nothing.
func TestLiveStandingsFollowKills(t *testing.T) {
	cfg := openConfig()
	cfg.Damage = 100
	cfg.ScoreLimit = 10
	h := newHarness(t, cfg, 1, 2)
	if out := h.w.Outcome(); !slices.Equal(out.Results, []game.Result{{Player: 1}, {Player: 2}}) {
		t.Fatalf("standings before any kill: %+v", out.Results)
	}
	h.place(1, 500, 500)
	h.place(2, 600, 500)
	h.in[2] = fireInput(aimLeft)
	for h.player(2).score < 1 && h.tick < 1000 {
		h.step(1)
	}
	want := []game.Result{{Player: 2, Score: 1}, {Player: 1, Deaths: 1}}
	if out := h.w.Outcome(); out.Ended || !slices.Equal(out.Results, want) {
		t.Fatalf("standings after a kill: %+v, want %+v", out, want)
	}
	if err := h.w.AddPlayer(3); err != nil {
		t.Fatal(err)
	}
	want = append(want[:1], game.Result{Player: 3}, want[1])
	if out := h.w.Outcome(); !slices.Equal(out.Results, want) {
		t.Fatalf("standings after a join: %+v, want %+v", out.Results, want)
	}
}
