package arena

import (
	"fmt"
	"testing"

	"github.com/skirmishgg/skirmish/game"
)

const benchPlayers = 16

// benchInputs scripts a loop of inputs for n players who run in changing
// directions, sweep their aim and hold fire: the default rules' workload.
func benchInputs(n int) [][]game.PlayerInput { return benchInputsRewound(n, false) }

// benchInputsRewound is benchInputs where, with rewound, every shot is lag
// compensated: each player's rewind is 6 to 17 ticks (100 to 283 ms at 60
// Hz), as clients of varied round trips and interpolation delays report.
func benchInputsRewound(n int, rewound bool) [][]game.PlayerInput {
	rng := splitmix{42}
	frames := make([][]game.PlayerInput, 600)
	cur := make([]game.Input, n)
	for f := range frames {
		frames[f] = make([]game.PlayerInput, n)
		for p := range cur {
			in := &cur[p]
			if f%40 == p%40 || f == 0 {
				in.MoveX, in.MoveY = int8(rng.next()), int8(rng.next())
			}
			in.Aim += 300 + uint16(p)*37
			in.Buttons = game.ButtonFire
			in.Seq++
			if rewound {
				in.Rewind = uint16(6 + (p+f/60)%12)
			}
			frames[f][p] = game.PlayerInput{Player: game.PlayerID(p + 1), Input: *in}
		}
	}
	return frames
}

// benchWorld is a default world with n players after a warm-up, so that
// bullets are in flight and every buffer has reached its working size.
func benchWorld(tb testing.TB, n int) *World {
	var cfg *Config
	if n != benchPlayers {
		cfg = &Config{MaxPlayers: n}
	}
	w := New(cfg).NewWorld(1).(*World)
	for id := game.PlayerID(1); id <= game.PlayerID(n); id++ {
		if err := w.AddPlayer(id); err != nil {
			tb.Fatal(err)
		}
	}
	inputs := benchInputs(n)
	for tick := uint32(1); tick <= 300; tick++ {
		w.Step(tick, inputs[tick%uint32(len(inputs))])
	}
	return w
}

func BenchmarkStep16Players(b *testing.B)  { benchStep(b, benchPlayers, false) }
func BenchmarkStep256Players(b *testing.B) { benchStep(b, 256, false) }

// The -Rewound variants judge every bullet lag compensated
// (benchInputsRewound).
func BenchmarkStep16PlayersRewound(b *testing.B)  { benchStep(b, benchPlayers, true) }
func BenchmarkStep256PlayersRewound(b *testing.B) { benchStep(b, 256, true) }

func benchStep(b *testing.B, n int, rewound bool) {
	inputs := benchInputsRewound(n, rewound)
	w := benchWorld(b, n)
	tick := w.tick
	bullets := 0
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		tick++
		w.Step(tick, inputs[tick%uint32(len(inputs))])
		bullets += len(w.bullets)
		if w.ended { // a match ends on its score or time limit: start another
			b.StopTimer()
			w = benchWorld(b, n)
			tick = w.tick
			b.StartTimer()
		}
	}
	b.ReportMetric(float64(bullets)/float64(b.N), "bullets/op")
}

func BenchmarkAppendView(b *testing.B) {
	w := benchWorld(b, benchPlayers)
	dst := w.AppendView(nil)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		dst = w.AppendView(dst[:0])
	}
	b.ReportMetric(float64(len(dst)), "entities")
}

func BenchmarkHash(b *testing.B) {
	w := benchWorld(b, benchPlayers)
	b.ReportAllocs()
	for b.Loop() {
		w.Hash()
	}
}

// BenchmarkAppendState is what a state checkpoint costs the tick that
// takes it (the recorder appends it to a reused buffer every 10 s), and
// BenchmarkRestoreState what a seek pays before stepping on.
func BenchmarkAppendState(b *testing.B) {
	for _, n := range []int{benchPlayers, 256} {
		b.Run(fmt.Sprintf("%dplayers", n), func(b *testing.B) {
			w := benchWorld(b, n)
			buf := w.AppendState(nil)
			b.ReportAllocs()
			for b.Loop() {
				buf = w.AppendState(buf[:0])
			}
			b.ReportMetric(float64(len(buf)), "state-bytes")
		})
	}
}

func BenchmarkRestoreState(b *testing.B) {
	w := benchWorld(b, benchPlayers)
	state := w.AppendState(nil)
	r := w.r.NewWorld(1).(*World)
	b.ReportAllocs()
	for b.Loop() {
		if err := r.RestoreState(state); err != nil {
			b.Fatal(err)
		}
	}
}
