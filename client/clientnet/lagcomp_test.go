package clientnet

import (
	"context"
	"math"
	"sync/atomic"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// TestLagCompensationEndToEnd is issue 13's test of lag compensation: a
// client at 150 ms round trip (a delaying proxy in front of a real server)
// shoots at a strafing target exactly where its interpolated view shows
// it, leading it by the bullet's flight, and hits with compensation and
// misses without. The shooter is the real client (Client: connection,
// Predictor, Interpolator), reporting the tick it drew the target at. Its
// interpolation delay is forced to 50 or 250 ms, or left adaptive (about
// 70 ms here), and each hits: the server rewinds to what the shooter saw,
// not to an assumed 100 ms delay (which misses at 250 ms by 8 ticks of
// the target's motion, 40 units against a hit radius of 24). A 150 ms
// round trip plus 250 ms is past the default 250 ms bound, and plus the
// adaptive delay close to it on a loaded machine, so those cases raise it
// to 500 ms (the arena keeps 516).
// About 3 s (the cases run in parallel), so -short skips it.
func TestLagCompensationEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end with a 150 ms round trip: a few seconds")
	}
	const ms = time.Millisecond
	for _, tc := range []struct {
		name      string
		maxRewind time.Duration // server.Options.MaxRewind; negative: off
		delay     time.Duration // the shooter's interpolation delay; 0: adaptive
		hit       bool
	}{
		{"200ms bound, 50ms interpolation", 200 * ms, 50 * ms, true},
		{"off, 50ms interpolation", -1, 50 * ms, false},
		{"500ms bound, 250ms interpolation", 500 * ms, 250 * ms, true},
		{"off, 250ms interpolation", -1, 250 * ms, false},
		{"500ms bound, adaptive interpolation", 500 * ms, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hits, shots := shootStrafer(t, tc.maxRewind, tc.delay)
			if want := map[bool]int{true: shots, false: 0}[tc.hit]; hits != want {
				t.Fatalf("%d of %d shots hit, want %d", hits, shots, want)
			}
		})
	}
}

// shootStrafer runs one match: a target strafing along +x on a direct
// connection, a shooter 600 units away behind a 150 ms round trip that
// fires lagShots shots at it. It returns the hits and the shots.
func shootStrafer(t *testing.T, maxRewind, delay time.Duration) (hits, shots int) {
	const (
		lagShots = 3
		oneWay   = 75 * time.Millisecond
	)
	rules := arena.New(&arena.Config{
		WorldWidth: 6000, WorldHeight: 2000, Walls: []arena.Rect{},
		Spawns:      []arena.Point{{X: 800, Y: 600}, {X: 800, Y: 1200}},
		PlayerSpeed: 300, BulletSpeed: 3000, BulletLifetime: 30,
	})
	_, url := servertest.StartServer(t, rules, &server.Options{MaxRewind: maxRewind, Seed: 1})
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()

	// The target runs right at full speed, on a direct connection.
	target := Open(ctx, url, &ClientOptions{Dial: DialOptions{Name: "target", Identity: servertest.Guest(t, url)}})
	defer target.Close()
	go func() {
		tk := time.NewTicker(time.Second / 60)
		defer tk.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tk.C:
				target.SendInput(ctx, protocol.Input{MoveX: 127})
			}
		}
	}()

	var interp *InterpOptions
	if delay > 0 {
		interp = &InterpOptions{MinDelay: delay, MaxDelay: delay}
	}
	var shooterID, hit atomic.Uint32
	shooter := Open(ctx, servertest.DelayURL(t, url, oneWay), &ClientOptions{
		Dial:   DialOptions{Name: "shooter", Identity: servertest.Guest(t, url)},
		Game:   rules,
		Interp: interp,
		OnMessage: func(c *Conn, typ protocol.MsgType) {
			if e := c.Event(); typ == protocol.MsgEvent && e.Kind == uint8(game.EventHit) && e.Actor == shooterID.Load() {
				hit.Add(1)
			}
		},
	})
	defer shooter.Close()

	var (
		w        protocol.Welcome
		ents     []Sampled
		pk       uint8
		fx, fy   int
		muzzle   float64
		step     float64 // bullet travel per tick, view units
		seenAt   time.Time
		prev     []float64 // rt, x, y of the target a while ago
		lastShot time.Time
		aim      uint16
	)
	tk := time.NewTicker(time.Second / 60)
	defer tk.Stop()
	for shots < lagShots || time.Since(lastShot) < 800*time.Millisecond {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out after %d shots: shooter %v, target %v", shots, shooter.State(), target.State())
		case <-tk.C:
		}
		if w.Player == 0 {
			var ok bool
			if w, ok = shooter.Welcome(); !ok {
				continue
			}
			shooterID.Store(w.Player)
			pk, fx, _ = LookupField(w.Kinds, "player", "x")
			_, fy, _ = LookupField(w.Kinds, "player", "y")
			for _, p := range w.Static.Params {
				switch p.Name {
				case arena.ParamMuzzleOffset:
					muzzle = float64(p.Value)
				case arena.ParamBulletSpeed:
					step = float64(p.Value) / float64(w.TickRate)
				}
			}
		}
		now := time.Now()
		ents = shooter.Sample(now, ents)
		rt := shooter.RenderTick(now)
		var me, him *Sampled
		for i := range ents {
			switch e := &ents[i]; {
			case e.Kind != pk:
			case e.ID == w.Player:
				me = e
			default:
				him = e
			}
		}
		fire := false
		if me != nil && him != nil {
			if seenAt.IsZero() {
				seenAt = now
			}
			tx, ty := him.Fields[fx], him.Fields[fy]
			// Once the clocks have settled, a shot every 300 ms, aimed
			// from the target's drawn position and its drawn velocity.
			if prev != nil && rt-prev[0] >= 6 && now.Sub(seenAt) > 700*time.Millisecond &&
				shots < lagShots && now.Sub(lastShot) > 300*time.Millisecond {
				vx, vy := (tx-prev[1])/(rt-prev[0]), (ty-prev[2])/(rt-prev[0])
				// The server judges the flight against the target at the
				// whole view tick and the ticks after it.
				back := rt - math.Floor(rt)
				bx, by := tx-vx*back, ty-vy*back
				sx, sy := me.Fields[fx], me.Fields[fy]
				k := 0.0
				for range 8 { // the flight time: bullet and target meet
					k = max(0, (math.Hypot(bx+vx*k-sx, by+vy*k-sy)-muzzle)/step)
				}
				ax, ay := bx+vx*k-sx, by+vy*k-sy
				aim = uint16(int64(math.Round(math.Atan2(ay, ax) / (2 * math.Pi) * 65536)))
				fire = true
				shots++
				lastShot = now
				t.Logf("shot %d: drawn at tick %.2f, target (%.0f, %.0f) moving (%.1f, %.1f)/tick, flight %.1f ticks; delay %v, rtt %v",
					shots, rt, tx, ty, vx, vy, k, shooter.Interpolator().Delay(now), shooter.Clock().RTT())
			}
			if prev == nil || rt-prev[0] >= 6 {
				prev = []float64{rt, tx, ty}
			}
		}
		in := protocol.Input{Aim: aim}
		if fire {
			in.Buttons = game.ButtonFire
		}
		shooter.SendInput(ctx, in)
	}
	return int(hit.Load()), shots
}
