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
// drawn as the highlighted player (0: nobody). With prev, the view a tick
// before, the frame is drawn k (0..1) of the way from prev to ents:
// players' positions and aims interpolated, bullets placed at that
// fractional tick. Events are left to the caller.
func (sc *Scene) SetView(ents, prev []game.Entity, k float64, tick uint32, rules *arena.Rules, follow uint32, name func(uint32) string) {
	sc.Players = sc.Players[:0]
	sc.Bullets = sc.Bullets[:0]
	sc.Roster = sc.Roster[:0]
	at := float64(tick)
	if prev != nil {
		at = float64(tick) - 1 + max(0, min(k, 1))
	}
	sc.Me, sc.Tick, sc.Render = follow, tick, at
	sc.HaveMe, sc.Reconnecting, sc.Stalled = false, false, false
	j := 0 // walks prev alongside ents: both are sorted by ID
	for i := range ents {
		e := &ents[i]
		switch e.Kind {
		case arena.KindPlayer:
			f := &e.Fields
			x, y, aim := float64(f[arena.PlayerX]), float64(f[arena.PlayerY]), float64(f[arena.PlayerAim])
			for j < len(prev) && prev[j].ID < e.ID {
				j++
			}
			if j < len(prev) && prev[j].ID == e.ID && prev[j].Kind == e.Kind {
				pf := &prev[j].Fields
				px, py, pa := float64(pf[arena.PlayerX]), float64(pf[arena.PlayerY]), float64(pf[arena.PlayerAim])
				// A jump of more than a step's movement is a respawn:
				// drawn where it lands, not sliding across the map.
				if math.Abs(x-px)+math.Abs(y-py) < 64*arena.ViewUnitsPerUnit {
					x, y = px+(x-px)*k, py+(y-py)*k
				}
				d := math.Mod(aim-pa+128+256, 256) - 128 // the short way round
				aim = pa + d*k
			}
			p := PlayerView{
				ID:     e.ID,
				Name:   name(e.ID),
				X:      x / arena.ViewUnitsPerUnit,
				Y:      y / arena.ViewUnitsPerUnit,
				Aim:    aim / 256 * 2 * math.Pi,
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
			if at < float64(tick0) {
				continue // fired during the step being drawn towards
			}
			pos := func(t uint32) (int32, int32) { return rules.BulletPosition(f[:], t) }
			x, y := clientnet.AtTick(at, pos)
			tx, ty := clientnet.AtTick(max(float64(tick0), at-2.5), pos)
			sc.Bullets = append(sc.Bullets, BulletView{
				ID: e.ID, Owner: uint32(f[arena.BulletOwner]),
				X: x / arena.ViewUnitsPerUnit, Y: y / arena.ViewUnitsPerUnit,
				TailX: tx / arena.ViewUnitsPerUnit, TailY: ty / arena.ViewUnitsPerUnit,
			})
		}
	}
	sortStandings(sc.Roster)
}
