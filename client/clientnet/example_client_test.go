package clientnet_test

import (
	"context"
	"fmt"
	"time"

	"github.com/skirmishgg/skirmish/client/clientnet"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/protocol"
)

// A game's frame loop on a Client: send the controls, draw the others
// interpolated, the player predicted and bullets from their spawn fields,
// and show the network figures.
func ExampleClient() {
	rules := arena.New(nil)
	c := clientnet.Open(context.Background(), "ws://localhost:8080/ws", &clientnet.ClientOptions{
		Dial: clientnet.DialOptions{Name: "alice"},
		Game: rules, // predict the player with the arena's own movement code
		OnState: func(s clientnet.StateChange) {
			fmt.Println("network:", s.State, s.Err) // for a status line
		},
	})
	defer c.Close()

	var entities []clientnet.Sampled
	frame := time.NewTicker(time.Second / 60)
	defer frame.Stop()
	for {
		select {
		case <-c.Done():
			fmt.Println("session over:", c.Err())
			return
		case <-frame.C:
		}
		now := time.Now()
		c.SendInput(context.Background(), protocol.Input{MoveX: 127, Aim: 16384})

		entities = c.Sample(now, entities)
		rt := c.RenderTick(now)
		for _, e := range entities {
			switch {
			case e.ID == c.Player():
				// Drawn from Self below.
			case e.Kind == arena.KindBullet:
				fields := e.Ints()
				x, y := clientnet.AtTick(rt, func(t uint32) (int32, int32) {
					return rules.BulletPosition(fields[:], t)
				})
				_, _ = x, y // draw the bullet
			default:
				_ = e.Fields[arena.PlayerX] // draw the player
			}
		}
		if me, ok := c.Self(now); ok {
			_ = me.Fields[arena.PlayerX] // draw the player, predicted
		}
		hud := c.HUD(now)
		_ = fmt.Sprintf("ping %v  %.0f snap/s  in %.1f kB/s  delay %v  error %.2f",
			hud.RTT, hud.SnapshotRate, hud.BytesIn/1000, hud.Delay, hud.PredictionError)
	}
}
