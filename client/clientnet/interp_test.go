package clientnet

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/protocol"
)

var interpT0 = time.Unix(2_000_000, 0)

func testWelcomeKinds() *protocol.Welcome {
	return &protocol.Welcome{Player: 99, TickRate: 60, SnapshotRate: 30, Kinds: testKinds}
}

// pl is a player entity: x, y, aim (1/256 turn), hp, score.
func pl(id uint32, x, y, aim, hp, score int32) protocol.Entity {
	return protocol.Entity{ID: id, Kind: 0, Fields: [protocol.MaxFields]int32{x, y, aim, hp, score, 0}}
}

func tickTime(tick uint32) time.Time {
	return interpT0.Add(time.Duration(tick) * time.Second / 60)
}

// frames pushes views at the given ticks, each arriving at its tick's time.
func newTestInterp(t *testing.T, opts *InterpOptions, views map[uint32][]protocol.Entity, ticks ...uint32) *Interpolator {
	t.Helper()
	ip := NewInterpolator(testWelcomeKinds(), nil, opts)
	for _, tick := range ticks {
		ip.Push(tick, views[tick], tickTime(tick))
	}
	return ip
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestInterpolationFields(t *testing.T) {
	views := map[uint32][]protocol.Entity{
		10: {pl(1, 100, 50, 250, 100, 0), pl(3, 0, 0, 0, 100, 0), bullet(70000, 5, 6)},
		12: {pl(1, 120, 40, 4, 90, 1), pl(2, 500, 500, 0, 100, 0), pl(3, 10, 0, 0, 100, 0), bullet(70000, 5, 6)},
		14: {pl(1, 100, 40, 130, 90, 1), pl(2, 510, 500, 0, 100, 0), {ID: 3, Kind: 1, Fields: [protocol.MaxFields]int32{1, 1, 1, 1, 1}}},
	}
	ip := newTestInterp(t, nil, views, 10, 12, 14)
	type want struct {
		id     uint32
		field  int
		value  float64
		absent bool
	}
	for _, c := range []struct {
		name string
		rt   float64
		want []want
	}{
		{"exact at the first snapshot", 10, []want{{1, 0, 100, false}, {1, 1, 50, false}, {1, 2, 250, false}, {1, 3, 100, false}}},
		{"exact at the second", 12, []want{{1, 0, 120, false}, {1, 1, 40, false}, {1, 2, 4, false}, {1, 3, 90, false}, {1, 4, 1, false}}},
		{"halfway: straight line", 11, []want{{1, 0, 110, false}, {1, 1, 45, false}}},
		{"a quarter of the way", 10.5, []want{{1, 0, 105, false}, {1, 1, 47.5, false}}},
		{"angle the short way through 0", 11, []want{{1, 2, 255, false}}},
		{"angle a quarter of the way", 10.5, []want{{1, 2, 252.5, false}}},
		{"angle of half a turn and more", 13, []want{{1, 2, 67, false}}},
		{"hp and score step at the newer snapshot", 11.99, []want{{1, 3, 100, false}, {1, 4, 0, false}}},
		{"bullet fields step (they never change)", 11, []want{{70000, 0, 5, false}, {70000, 3, 7, false}}},
		{"appears only from its first snapshot", 11.99, []want{{2, 0, 0, true}}},
		{"shown from its first snapshot", 12, []want{{2, 0, 500, false}}},
		{"removed: shown until the snapshot that lacks it", 13.99, []want{{70000, 0, 5, false}}},
		{"removed: gone at that snapshot", 14, []want{{70000, 0, 0, true}}},
		{"kind change: old kind until the change", 13, []want{{3, 0, 10, false}}},
		{"kind change: new kind from it", 14, []want{{3, 0, 1, false}}},
		{"before the buffer: the oldest snapshot", 3, []want{{1, 0, 100, false}, {2, 0, 0, true}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := ip.SampleAt(c.rt, nil)
			for i := 1; i < len(got); i++ {
				if got[i].ID <= got[i-1].ID {
					t.Fatalf("not sorted by ID: %+v", got)
				}
			}
			for _, w := range c.want {
				var s *Sampled
				for i := range got {
					if got[i].ID == w.id {
						s = &got[i]
					}
				}
				switch {
				case w.absent && s != nil:
					t.Fatalf("entity %d shown at %v: %+v", w.id, c.rt, s)
				case !w.absent && s == nil:
					t.Fatalf("entity %d missing at %v", w.id, c.rt)
				case !w.absent && !near(s.Fields[w.field], w.value):
					t.Fatalf("entity %d field %d at %v = %v, want %v", w.id, w.field, c.rt, s.Fields[w.field], w.value)
				}
			}
		})
	}
}

// Past the newest snapshot moving fields go on along the last segment, for
// MaxExtrapolation at most; step fields hold.
func TestInterpolationExtrapolatesBriefly(t *testing.T) {
	views := map[uint32][]protocol.Entity{
		10: {pl(1, 100, 0, 250, 100, 0)},
		12: {pl(1, 120, 0, 254, 90, 0)},
	}
	for _, c := range []struct {
		name  string
		opts  *InterpOptions
		rt    float64
		x     float64
		aim   float64
		extra bool
	}{
		{"at the newest", nil, 12, 120, 254, false},
		{"one tick on", nil, 13, 130, 0, true},
		{"bounded at 100ms (6 ticks)", nil, 100, 180, 10, true},
		{"bounded at 50ms", &InterpOptions{MaxExtrapolation: 50 * time.Millisecond}, 100, 150, 4, true},
		{"none", &InterpOptions{MaxExtrapolation: -1}, 100, 120, 254, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			ip := newTestInterp(t, c.opts, views, 10, 12)
			got := ip.SampleAt(c.rt, nil)
			if len(got) != 1 || !near(got[0].Fields[0], c.x) || !near(got[0].Fields[2], c.aim) || got[0].Fields[3] != 90 {
				t.Fatalf("at %v: %+v, want x %v aim %v hp 90", c.rt, got, c.x, c.aim)
			}
			if ip.Extrapolating() != c.extra {
				t.Fatalf("Extrapolating() = %v", ip.Extrapolating())
			}
		})
	}
}

func TestInterpolationFieldRules(t *testing.T) {
	views := map[uint32][]protocol.Entity{
		10: {pl(1, 100, 0, 0, 100, 0), bullet(70000, 0, 0)},
		12: {pl(1, 120, 0, 0, 80, 0), {ID: 70000, Kind: 1, Fields: [protocol.MaxFields]int32{10, 0, 1234, 7, 1}}},
	}
	// hp made linear for players only; bullets' x0 linear too.
	ip := newTestInterp(t, &InterpOptions{Fields: append(DefaultFieldRules(),
		FieldRule{Kind: "player", Field: "hp", Mode: FieldLinear},
		FieldRule{Kind: "bullet", Field: "x0", Mode: FieldLinear},
		FieldRule{Field: "x", Mode: FieldStep}, // a later rule wins
	)}, views, 10, 12)
	got := ip.SampleAt(11, nil)
	if got[0].Fields[3] != 90 || got[0].Fields[0] != 100 || got[1].Fields[0] != 5 {
		t.Fatalf("sample %+v", got)
	}
}

// The render delay sits at two snapshot intervals on a steady link, grows
// with arrival jitter and shrinks back when the jitter goes; render time
// never goes backwards and runs within MaxWarp of real time once started.
func TestInterpolationDelayAdapts(t *testing.T) {
	ip := NewInterpolator(testWelcomeKinds(), nil, nil)
	rng := rand.New(rand.NewPCG(5, 5))
	const latency = 60 * time.Millisecond
	var (
		tick      uint32 = 100
		lastAt    time.Time
		lastRT    float64
		dry, seen int
	)
	// phase runs the link for d with arrival jitter ±jitter, rendering at
	// 60 frames a second, and returns the target delay at its end.
	now := tickTime(tick)
	nextFrame := now
	phase := func(d, jitter time.Duration) time.Duration {
		end := now.Add(d)
		for now.Before(end) {
			sendAt := tickTime(tick + 2)
			arrive := sendAt.Add(latency)
			if jitter > 0 {
				arrive = arrive.Add(time.Duration(rng.Int64N(int64(2*jitter))) - jitter)
			}
			if arrive.Before(lastAt) {
				arrive = lastAt // one stream: in order
			}
			for nextFrame.Before(arrive) {
				now = nextFrame
				if n, _ := ip.Buffered(); n == 0 {
					nextFrame = nextFrame.Add(time.Second / 60)
					continue // the render clock starts with the first snapshot
				}
				rt := ip.RenderTick(now)
				if seen > 0 {
					// One frame is one tick of real time.
					if rt < lastRT {
						t.Fatalf("render time went back from %v to %v", lastRT, rt)
					}
					if speed := rt - lastRT; speed > 1.1+1e-6 || speed < 0.9-1e-6 {
						t.Fatalf("render time ran %v times real time at frame %d", speed, seen)
					}
				}
				ip.Sample(now, nil)
				if ip.Extrapolating() {
					dry++
				}
				seen++
				lastRT = rt
				nextFrame = nextFrame.Add(time.Second / 60)
			}
			tick += 2
			now, lastAt = arrive, arrive
			ip.Push(tick, []protocol.Entity{pl(1, int32(tick), 0, 0, 100, 0)}, arrive)
		}
		return ip.TargetDelay()
	}
	interval := 2 * time.Second / 60
	steady := phase(5*time.Second, 0)
	if steady < 2*interval || steady > 2*interval+3*time.Millisecond {
		t.Fatalf("steady delay %v, want about two intervals (%v)", steady, 2*interval)
	}
	dry = 0
	jittery := phase(5*time.Second, 40*time.Millisecond)
	if jittery < steady+25*time.Millisecond {
		t.Fatalf("delay %v with ±40ms of jitter, %v without: it did not grow", jittery, steady)
	}
	if dry > seen/20 {
		t.Fatalf("the buffer ran dry in %d of %d frames with jitter", dry, seen)
	}
	jitteryDry, jitterySeen := dry, seen
	back := phase(20*time.Second, 0)
	t.Logf("target delay: steady %v, ±40ms jitter %v (dry in %d of %d frames so far), after %v", steady, jittery, jitteryDry, jitterySeen, back)
	if back > steady+5*time.Millisecond {
		t.Fatalf("delay %v after the jitter went, %v before: it did not shrink back", back, steady)
	}
	// The delay in effect follows the target.
	if d := ip.Delay(now); d < back-10*time.Millisecond || d > back+10*time.Millisecond {
		t.Fatalf("delay in effect %v, target %v", d, back)
	}
}

// AtTick blends per-tick positions, such as the arena's bullets.
func TestAtTickBullets(t *testing.T) {
	rules := arena.New(nil)
	fields := []int32{4000, 4000, 0, 100, 1} // fired along +x at tick 100
	pos := func(tick uint32) (int32, int32) { return rules.BulletPosition(fields, tick) }
	for _, c := range []struct {
		rt   float64
		x, y float64
	}{
		{100, 4000, 4000},
		{101, 4040, 4000},
		{101.25, 4050, 4000},
		{50, 4000, 4000}, // before it was fired: its spawn point
	} {
		x, y := AtTick(c.rt, pos)
		if !near(x, c.x) || !near(y, c.y) {
			t.Errorf("AtTick(%v) = %v, %v; want %v, %v", c.rt, x, y, c.x, c.y)
		}
	}
}

// After the views it was given are sampled, Sample allocates nothing.
func TestInterpolationSampleAllocatesNothing(t *testing.T) {
	ip := NewInterpolator(testWelcomeKinds(), nil, nil)
	dst := make([]Sampled, 0, 8)
	tick := uint32(10)
	view := []protocol.Entity{pl(1, 0, 0, 0, 100, 0), pl(2, 0, 0, 0, 100, 0)}
	for range 100 {
		tick += 2
		ip.Push(tick, view, tickTime(tick))
		ip.Sample(tickTime(tick), dst)
	}
	allocs := testing.AllocsPerRun(100, func() {
		tick += 2
		ip.Push(tick, view, tickTime(tick))
		dst = ip.Sample(tickTime(tick), dst)
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per snapshot and frame", allocs)
	}
}
