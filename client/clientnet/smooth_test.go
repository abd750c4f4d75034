package clientnet

import (
	"math"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/protocol"
)

// A correction eases in over SmoothTime instead of jumping; one the size
// of a respawn jumps at once and is not counted as a prediction error.
func TestPredictorSmoothsAndSnaps(t *testing.T) {
	for _, c := range []struct {
		name   string
		smooth time.Duration
		// drawn x right after the correction, 100ms later, 1s later
		x0, x100, x1000 float64
	}{
		{"default 100ms", 0, 1000, 1000 + 10*(1-math.Exp(-3)), 1010},
		{"300ms", 300 * time.Millisecond, 1000, 1000 + 10*(1-math.Exp(-1)), 1010},
		{"off", -1, 1010, 1010, 1010},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := &protocol.Welcome{Player: 1, TickRate: 60, SnapshotRate: 30, Kinds: testKinds}
			p := NewPredictor(arena.New(nil), w, nil, &PredictorOptions{SmoothTime: c.smooth})
			at := interpT0
			if _, ok := p.Sample(at); ok {
				t.Fatal("a sample before any snapshot")
			}
			// The player stands still, sending nothing: the server's tick
			// matches the present.
			self := pl(1, 1000, 2000, 0, 100, 0)
			p.Reconcile(2, 0, &self, at)
			if s, ok := p.Sample(at); !ok || s.Fields[0] != 1000 || s.Fields[1] != 2000 || s.Fields[3] != 100 {
				t.Fatalf("first sample %+v %v", s, ok)
			}
			// The server says it is 10 view units (2.5 world units) off
			// (the first snapshot set the state: it measured nothing).
			at = at.Add(33 * time.Millisecond)
			self = pl(1, 1010, 2000, 0, 90, 0)
			p.Reconcile(4, 0, &self, at)
			for _, w := range []struct {
				after time.Duration
				x     float64
			}{{0, c.x0}, {100 * time.Millisecond, c.x100}, {time.Second, c.x1000}} {
				s, _ := p.Sample(at.Add(w.after))
				if math.Abs(s.Fields[0]-w.x) > 1e-3 || s.Fields[3] != 90 {
					t.Fatalf("%v after the correction: x %v hp %v, want x %v hp 90", w.after, s.Fields[0], s.Fields[3], w.x)
				}
			}
			if e := p.Errors(); e.Count != 1 || e.Corrections != 1 || e.Last != 2.5 || e.Max != 2.5 || e.Snaps != 0 {
				t.Fatalf("errors %+v", e)
			}
			// A respawn far away: drawn there at once, not an error.
			at = at.Add(time.Second)
			self = pl(1, 7000, 300, 0, 100, 0)
			p.Reconcile(64, 0, &self, at)
			if s, _ := p.Sample(at); s.Fields[0] != 7000 || s.Fields[1] != 300 {
				t.Fatalf("after a respawn drawn at %v", s.Fields[:2])
			}
			if e := p.Errors(); e.Count != 1 || e.Snaps != 1 || e.Max != 2.5 {
				t.Fatalf("errors after a respawn %+v", e)
			}
		})
	}
}

// The predicted player moves as soon as an input is sent, a round trip
// before the server shows it, and lands where the server says.
func TestPredictorRunsAhead(t *testing.T) {
	s := newSim(simConfig{Latency: 100 * time.Millisecond, InputHz: 30, Phase: 4 * time.Millisecond,
		Duration: 5 * time.Second, Still: time.Second, PingEvery: time.Second, Seed: 3})
	var ahead int
	s.cfg.OnFrame = func(s *sim, now time.Time) {
		got, ok := s.pred.Entity()
		server := s.history[s.tick]
		if ok && s.pred.lastSentMoving() && (got.Fields[0] != server.Fields[0] || got.Fields[1] != server.Fields[1]) {
			ahead++
		}
	}
	s.run()
	if ahead < 100 {
		t.Fatalf("the prediction differed from the server's present in only %d frames while moving", ahead)
	}
}

// lastSentMoving reports whether the input in force moves.
func (p *Predictor) lastSentMoving() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cur.MoveX != 0 || p.cur.MoveY != 0
}
