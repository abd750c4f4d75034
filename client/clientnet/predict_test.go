package clientnet

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/game/arena"
)

// With no latency the prediction is the server: at every client frame the
// predicted player stands where the server's stood after the tick that
// applied the same inputs, to within the view's quantization (the first
// snapshot gives the position rounded to view units; later ones narrow the
// rounding down), and no snapshot corrects it by more than that.
func TestPredictionZeroLatencyMatchesServer(t *testing.T) {
	for _, c := range []struct {
		name    string
		inputHz int
		phase   time.Duration
		arena   *arena.Config
	}{
		{"60Hz inputs, half-tick phase", 60, 8 * time.Millisecond, nil},
		{"30Hz inputs, half-tick phase", 30, 8 * time.Millisecond, nil},
		{"60Hz inputs, small phase", 60, time.Millisecond, nil},
		{"30Hz inputs, late phase, small world", 30, 15 * time.Millisecond, &arena.Config{WorldWidth: 300, WorldHeight: 300, Walls: []arena.Rect{{MinX: 100, MinY: 100, MaxX: 200, MaxY: 120}}, Spawns: []arena.Point{{X: 50, Y: 50}}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			compared := 0
			s := newSim(simConfig{
				InputHz: c.inputHz, Phase: c.phase, Duration: 20 * time.Second, Still: time.Second,
				PingEvery: time.Second, Seed: 7, Arena: c.arena,
				OnFrame: func(s *sim, now time.Time) {
					// Frame i runs local tick i, which applies the input the
					// server applied at tick i.
					k := int64(now.Sub(s.t0) / s.period)
					want, ok := s.history[uint32(k)]
					got, have := s.pred.Entity()
					if !ok || !have {
						return
					}
					compared++
					if abs32(got.Fields[0]-want.Fields[0]) > 1 || abs32(got.Fields[1]-want.Fields[1]) > 1 {
						t.Fatalf("tick %d: predicted %d,%d, server %d,%d", k, got.Fields[0], got.Fields[1], want.Fields[0], want.Fields[1])
					}
				},
			})
			s.run()
			e := s.pred.Errors()
			if compared < 1000 || e.Count < 500 {
				t.Fatalf("compared %d frames, %d reconciliations", compared, e.Count)
			}
			// One view unit (a quarter of a world unit) on each axis.
			if e.Snaps != 0 || e.Max > 0.25*math.Sqrt2+1e-9 || e.Corrections > e.Count/100 {
				t.Fatalf("corrections with no latency: %+v", e)
			}
			t.Logf("errors (world units): %s", formatErrors(e))
		})
	}
}

// With latency and jitter the prediction is corrected now and then, and
// once the inputs stop it converges on the server's state with no error
// left, drawn position included.
func TestPredictionConvergesUnderLatency(t *testing.T) {
	for _, c := range []struct {
		latency, jitter time.Duration
		inputHz         int
	}{
		{100 * time.Millisecond, 20 * time.Millisecond, 30},
		{100 * time.Millisecond, 20 * time.Millisecond, 60},
		{50 * time.Millisecond, 0, 60},
		{150 * time.Millisecond, 40 * time.Millisecond, 30},
		{30 * time.Millisecond, 25 * time.Millisecond, 20},
	} {
		t.Run(fmt.Sprintf("%v±%v %dHz", c.latency, c.jitter, c.inputHz), func(t *testing.T) {
			var settled uint64
			s := newSim(simConfig{
				Latency: c.latency, Jitter: c.jitter, InputHz: c.inputHz, Phase: 5 * time.Millisecond,
				Duration: 20 * time.Second, Still: 2 * time.Second, PingEvery: time.Second, Seed: 11,
				OnFrame: func(s *sim, now time.Time) {
					// A round trip after the inputs stopped, nothing is left
					// to correct.
					if now.Sub(s.t0) == 21*time.Second+5*time.Millisecond {
						settled = s.pred.Errors().Corrections
					}
				},
			})
			end := s.run()
			e := s.pred.Errors()
			if e.Corrections == 0 && c.jitter > 0 {
				t.Fatalf("no corrections at all with jitter: the test exercises nothing (%+v)", e)
			}
			if e.Corrections != settled {
				t.Fatalf("%d corrections after the inputs stopped", e.Corrections-settled)
			}
			want := s.history[s.tick]
			got, ok := s.pred.Entity()
			if !ok || got.Fields[0] != want.Fields[0] || got.Fields[1] != want.Fields[1] {
				t.Fatalf("predicted %v, server %v", got.Fields[:2], want.Fields[:2])
			}
			drawn, _ := s.pred.Sample(end)
			if math.Abs(drawn.Fields[0]-float64(want.Fields[0])) > 1e-6 || math.Abs(drawn.Fields[1]-float64(want.Fields[1])) > 1e-6 {
				t.Fatalf("drawn at %v, server at %v", drawn.Fields[:2], want.Fields[:2])
			}
			t.Logf("errors (world units): %s", formatErrors(e))
		})
	}
}

func formatErrors(e PredictionErrors) string {
	return fmt.Sprintf("n=%d corrected=%d snaps=%d p50=%.2f p90=%.2f p99=%.2f max=%.2f mean=%.3f",
		e.Count, e.Corrections, e.Snaps, e.P50, e.P90, e.P99, e.Max, e.Mean)
}

// TestPredictionErrorDistribution measures the prediction error at 100 ms ±
// 20 ms of latency each way (a 200 ms round trip), random movement, inputs
// at 30 and 60 Hz, snapshots at 30 Hz, over two simulated minutes each.
// Run it with -v to read the figures:
//
//	go test ./client/clientnet/ -run TestPredictionErrorDistribution -v
func TestPredictionErrorDistribution(t *testing.T) {
	for _, hz := range []int{30, 60} {
		t.Run(fmt.Sprintf("%dHz", hz), func(t *testing.T) {
			acc := newErrorStats(1 << 16)
			for seed := uint64(1); seed <= 4; seed++ {
				s := newSim(simConfig{
					Latency: 100 * time.Millisecond, Jitter: 20 * time.Millisecond, InputHz: hz,
					Phase: time.Duration(seed) * 3 * time.Millisecond, Duration: 30 * time.Second,
					PingEvery: time.Second, Seed: seed,
					Predict: &PredictorOptions{ErrorWindow: 1 << 14},
				})
				s.run()
				addErrors(&acc, s.pred)
			}
			all := acc.summary()
			t.Logf("100ms±20ms each way, %d Hz inputs, prediction error in world units: %s", hz, formatErrors(all))
			if all.Snaps != 0 || all.Max > 40 || all.P50 > 5 {
				t.Fatalf("errors out of bounds: %+v", all)
			}
		})
	}
}

// addErrors adds the raw errors p measured to acc.
func addErrors(acc *errorStats, p *Predictor) {
	p.mu.Lock()
	defer p.mu.Unlock()
	errs := p.errs.ring[:p.errs.next]
	if p.errs.full {
		errs = p.errs.ring
	}
	for _, v := range errs {
		acc.add(v)
	}
	acc.snaps += p.errs.snaps
}

func abs32(v int32) int32 {
	if v < 0 {
		return -v
	}
	return v
}
