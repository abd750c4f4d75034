package replay_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/replay"
)

// BenchmarkEncoderStep is the tick's share of recording: one step's record
// (the world's hash, the changed inputs, the world's state every 120 ticks)
// appended to a reused buffer, every player's input changing every other
// tick as bots' do at 30 Hz. The writer's compression runs elsewhere.
func BenchmarkEncoderStep(b *testing.B) {
	for _, n := range []int{16, 256} {
		b.Run(fmt.Sprintf("%dplayers", n), func(b *testing.B) {
			rules := arena.New(&arena.Config{MaxPlayers: n, ScoreLimit: 1 << 30, TimeLimit: 1 << 30})
			w := rules.NewWorld(1)
			enc, buf := replay.NewEncoder(nil, replay.NewHeader("b", "", rules, 1, time.Unix(0, 0), 120))
			inputs := make([]game.PlayerInput, n)
			for i := range inputs {
				id := game.PlayerID(i + 1)
				if err := w.AddPlayer(id); err != nil {
					b.Fatal(err)
				}
				buf = enc.Join(buf, id, "p")
				inputs[i].Player = id
			}
			rng := uint64(1)
			tick := uint32(0)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				tick++
				if tick%2 == 0 {
					for i := range inputs {
						rng = rng*6364136223846793005 + 1442695040888963407
						in := &inputs[i].Input
						*in = game.Input{Seq: in.Seq + 1, MoveX: int8(rng >> 56), MoveY: int8(rng >> 48), Aim: in.Aim + uint16(rng>>40)%1024, Buttons: uint8(rng>>24) & game.ButtonFire, Rewind: 9}
					}
				}
				b.StopTimer()
				w.Step(tick, inputs)
				b.StartTimer()
				buf = enc.Step(buf[:0], tick, inputs, w)
			}
		})
	}
}
