package play

import (
	"testing"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/protocol"
)

func TestEffectsFromEvents(t *testing.T) {
	var fx Effects
	name := func(id uint32) string { return map[uint32]string{1: "ann", 2: "bob"}[id] }
	fx.Add(protocol.Event{Kind: uint8(game.EventHit), Actor: 1, Target: 2, Value: 10, X: 400, Y: 400}, 1, name)
	if len(fx.Particles) == 0 || len(fx.Texts) != 1 || fx.Texts[0].Text != "-10" || !fx.Texts[0].Mine {
		t.Fatalf("hit effects: %d particles, texts %+v", len(fx.Particles), fx.Texts)
	}
	if fx.Flash(2) != 1 || fx.Flash(1) != 0 {
		t.Fatalf("flash: target %v, shooter %v", fx.Flash(2), fx.Flash(1))
	}
	fx.Add(protocol.Event{Kind: uint8(game.EventDeath), Actor: 1, Target: 2, X: 400, Y: 400}, 1, name)
	if len(fx.Rings) != 1 || len(fx.Feed) != 1 || fx.Feed[0].Killer != "ann" || fx.Feed[0].Victim != "bob" {
		t.Fatalf("death effects: rings %d, feed %+v", len(fx.Rings), fx.Feed)
	}
	fx.Step(0.1)
	if fx.Flash(2) <= 0 || fx.Flash(2) >= 1 {
		t.Fatalf("flash after 0.1s = %v", fx.Flash(2))
	}
	for range 100 {
		fx.Step(0.1)
	}
	if len(fx.Particles)+len(fx.Rings)+len(fx.Texts)+len(fx.Feed) != 0 || fx.Flash(2) != 0 {
		t.Fatalf("effects left after 10s: %+v", fx)
	}
}
