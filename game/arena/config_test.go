package arena

import (
	"reflect"
	"slices"
	"testing"
)

func TestDefaults(t *testing.T) {
	r := New(nil)
	c := r.Config()
	if r.Name() != "arena" || r.TickRate() != 60 || r.MaxPlayers() != 16 {
		t.Errorf("name %q, tick rate %d, max players %d", r.Name(), r.TickRate(), r.MaxPlayers())
	}
	want := Config{
		WorldWidth: 2000, WorldHeight: 2000, Walls: c.Walls, Spawns: c.Spawns,
		MaxPlayers: 16, TickRate: 60, PlayerRadius: 20, PlayerSpeed: 200, MaxHP: 100,
		FireCooldown: 15, BulletSpeed: 600, BulletRadius: 4, BulletLifetime: 60, Damage: 10,
		ScoreLimit: 20, TimeLimit: 18000, SpawnClearance: 250,
	}
	if !equalConfig(c, want) {
		t.Errorf("defaults %+v, want %+v", c, want)
	}
	if r.moveStep != 400 || r.bulletStep != 1200 {
		t.Errorf("speeds %d and %d subunits/step, want 400 and 1200", r.moveStep, r.bulletStep)
	}
	if !equalConfig(New(&Config{}).Config(), c) {
		t.Error("a zero Config differs from nil")
	}
}

func equalConfig(a, b Config) bool {
	return reflect.DeepEqual(a, b)
}

func TestDefaultLayout(t *testing.T) {
	r := New(nil)
	walls, spawns := r.Walls(), r.Config().Spawns
	if len(walls) < 6 || len(walls) > 8 || len(spawns) != 16 {
		t.Fatalf("%d walls and %d spawns", len(walls), len(spawns))
	}
	// Symmetric under a quarter turn about the centre.
	const size = 2000
	for _, w := range walls {
		turned := Rect{size - w.MaxY, w.MinX, size - w.MinY, w.MaxX}
		if !slices.Contains(walls, turned) {
			t.Errorf("wall %v has no quarter-turn twin %v", w, turned)
		}
	}
	for _, s := range spawns {
		if !slices.Contains(spawns, Point{size - s.Y, s.X}) {
			t.Errorf("spawn %v has no quarter-turn twin", s)
		}
		// Clear of every wall by a margin, and inside the world.
		for _, w := range r.walls {
			if circleOverlapsBox(s.X*SubunitsPerUnit, s.Y*SubunitsPerUnit, 2*r.playerR, w) {
				t.Errorf("spawn %v is within a diameter of wall %v", s, w)
			}
		}
		if s.X < 20 || s.Y < 20 || s.X > size-20 || s.Y > size-20 {
			t.Errorf("spawn %v outside the world", s)
		}
	}
}

func TestConfigIsCopied(t *testing.T) {
	cfg := &Config{Walls: []Rect{{10, 10, 20, 20}}}
	r := New(cfg)
	cfg.Walls[0].MinX = 0
	if r.Walls()[0].MinX != 10 {
		t.Error("changing the Config after New changed the rules")
	}
	if len(New(&Config{Walls: []Rect{}}).Walls()) != 0 {
		t.Error("an empty Walls slice did not give an open arena")
	}
}
