package play

import (
	"math"

	"github.com/skirmishgg/skirmish/client/clientnet"
	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/game/arena"
)

// SetView fills sc with a whole-world view at tick, as a replay shows it
// (client/replayview): every player and bullet where the re-simulated
// world has them, the roster from the players' own fields, and follow
// drawn as the highlighted player (0: nobody). Events are left to the
// caller.
func (sc *Scene) SetView(ents []game.Entity, tick uint32, rules *arena.Rules, follow uint32, name func(uint32) string) {
	sc.Players = sc.Players[:0]
	sc.Bullets = sc.Bullets[:0]
	sc.Roster = sc.Roster[:0]
	sc.Me, sc.Tick, sc.Render = follow, tick, float64(tick)
	sc.HaveMe, sc.Reconnecting, sc.Stalled = false, false, false
	for i := range ents {
		e := &ents[i]
		switch e.Kind {
		case arena.KindPlayer:
			f := &e.Fields
			p := PlayerView{
				ID:     e.ID,
				Name:   name(e.ID),
				X:      float64(f[arena.PlayerX]) / arena.ViewUnitsPerUnit,
				Y:      float64(f[arena.PlayerY]) / arena.ViewUnitsPerUnit,
				Aim:    float64(f[arena.PlayerAim]) / 256 * 2 * math.Pi,
				HP:     f[arena.PlayerHP],
				Score:  f[arena.PlayerScore],
				Deaths: f[arena.PlayerDeaths],
				Me:     e.ID == follow,
			}
			if p.Me {
				sc.MeX, sc.MeY, sc.HaveMe = p.X, p.Y, true
			}
			sc.Players = append(sc.Players, p)
			sc.Roster = append(sc.Roster, p)
		case arena.KindBullet:
			f := e.Fields
			tick0 := uint32(f[arena.BulletTick0])
			if tick < tick0 {
				continue
			}
			pos := func(t uint32) (int32, int32) { return rules.BulletPosition(f[:], t) }
			x, y := clientnet.AtTick(float64(tick), pos)
			tx, ty := clientnet.AtTick(max(float64(tick0), float64(tick)-2.5), pos)
			sc.Bullets = append(sc.Bullets, BulletView{
				ID: e.ID, Owner: uint32(f[arena.BulletOwner]),
				X: x / arena.ViewUnitsPerUnit, Y: y / arena.ViewUnitsPerUnit,
				TailX: tx / arena.ViewUnitsPerUnit, TailY: ty / arena.ViewUnitsPerUnit,
			})
		}
	}
	sortStandings(sc.Roster)
}
