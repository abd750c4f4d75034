package arena

import "github.com/skirmishgg/skirmish/game"

// hit applies one bullet of shooter to players[vi], hitting at (x, y). A
// kill scores for the shooter and respawns the victim at once; reaching the
// score limit ends the match on the spot.
func (w *World) hit(shooter game.PlayerID, vi int, x, y int32) {
	r := w.r
	v := &w.players[vi]
	v.hp -= r.cfg.Damage
	w.emit(game.Event{Kind: game.EventHit, Actor: shooter, Target: v.id, Value: r.cfg.Damage, X: ToView(x), Y: ToView(y)})
	if v.hp > 0 {
		return
	}
	w.emit(game.Event{Kind: game.EventDeath, Actor: shooter, Target: v.id, X: ToView(v.x), Y: ToView(v.y)})
	v.deaths++
	w.ranked = false
	var s *player
	if si, ok := w.find(shooter); ok {
		s = &w.players[si]
		s.score++
		w.emit(game.Event{Kind: game.EventScore, Actor: s.id, Value: s.score})
	}
	w.respawn(vi)
	if s != nil && s.score >= r.cfg.ScoreLimit {
		w.end(ReasonScoreLimit, s.id)
	}
}
