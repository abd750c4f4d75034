package match_test

import (
	"fmt"

	"slices"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/server/match"
	"github.com/skirmishgg/skirmish/server/record"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// BenchmarkMatchTick measures one step of a full match as the loop runs
// it, without the network: inputs taken, the arena stepped, events queued
// for every peer and, on every third step (20 snapshots a second), the
// view built, indexed for interest management and offered to every peer.
// It reports the mean (ns/op) and the 99th percentile of single steps,
// which is what the tick's lateness budget is about. The -recording
// variants also record the match (server/record, into a temporary
// directory): the tick's share of it is in the step, the writer's
// compression and I/O run beside it as they would on a host, with a
// queue deep enough for the benchmark's pace; "lost" is 1, and the
// benchmark fails, when the writer fell behind anyway and the recording
// was cut short (the figure would not be the recording's cost). The
// -lagcomp variants send every input against a snapshot 9 ticks old (150
// ms) with a view 2 to 13 ticks older still, so every shot is lag
// compensated (10 to 21 ticks back, capped by the default 250 ms bound at
// 15);
// the others send inputs that name no snapshot.
func BenchmarkMatchTick(b *testing.B) {
	for _, c := range []struct {
		players         int
		record, lagcomp bool
	}{{16, false, false}, {16, true, false}, {16, false, true}, {256, false, false}, {256, true, false}, {256, false, true}} {
		name := fmt.Sprintf("%dplayers", c.players)
		if c.record {
			name += "-recording"
		}
		if c.lagcomp {
			name += "-lagcomp"
		}
		b.Run(name, func(b *testing.B) {
			var rec match.Recorder
			reg := prometheus.NewRegistry()
			if c.record {
				// The loop steps thousands of times faster than real time,
				// so the writer gets a deeper queue than a host's 16 s:
				// with the default, a 16-player run outpaced it and the
				// recording (and its cost) stopped part way ("lost" 1).
				rs, err := record.New(record.Options{Dir: b.TempDir(), Queue: 1 << 16, Registerer: reg, Logger: servertest.Logger()})
				if err != nil {
					b.Fatal(err)
				}
				rules := benchRules(c.players)
				rec = rs.Open("bench", "", rules, 1)
				b.Cleanup(func() { rec.Close(0); rs.Wait() })
			}
			m, players, peers := benchMatch(b, c.players, rec)
			rng := uint64(1)
			steps := make([]time.Duration, 0, 1<<16)
			tick := uint32(0)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				tick++
				for _, p := range players {
					rng = rng*6364136223846793005 + 1442695040888963407
					in := game.Input{Seq: tick, MoveX: int8(rng >> 56), MoveY: int8(rng >> 48), Aim: uint16(rng >> 32), Buttons: uint8(rng>>24) & game.ButtonFire}
					if c.lagcomp {
						// A 150 ms round trip and views drawn 30 to 217 ms
						// behind, as adaptive interpolation varies them.
						ack := m.Tick() + 1 - 9
						p.PushSeen(in, match.Seen{Ack: ack, View: ack - 2 - uint32(p.ID())%12})
					} else {
						p.Push(in)
					}
				}
				began := time.Now()
				if m.StepNow() {
					b.Fatal("the match ended: raise its limits")
				}
				if len(steps) < cap(steps) {
					steps = append(steps, time.Since(began))
				}
				// What the senders would do: take the view, drain events.
				b.StopTimer()
				drain(peers)
				b.StartTimer()
			}
			slices.Sort(steps)
			b.ReportMetric(float64(steps[len(steps)*99/100].Nanoseconds()), "p99-ns/tick")
			if c.record {
				lost := servertest.Metric(b, reg, "skirmish_recordings_incomplete_total")
				b.ReportMetric(lost, "lost")
				if lost != 0 {
					b.Error("the recording was cut short: this is not what recording costs")
				}
			}
		})
	}
}

func drain(peers []*servertest.Peer) {
	for _, p := range peers {
		if v, _ := p.Take(); v != nil {
			v.Release()
		}
		p.Discard()
	}
}

func benchRules(n int) *arena.Rules {
	return arena.New(&arena.Config{MaxPlayers: n, ScoreLimit: 1 << 30, TimeLimit: 1 << 30})
}

// benchMatch is an arena match of n in-memory peers, stepped by hand, with
// interest management, warmed up so that bullets fly.
func benchMatch(b *testing.B, n int, rec match.Recorder) (*match.Match, []*match.Player, []*servertest.Peer) {
	b.Helper()
	rules := benchRules(n)
	interest := (&match.Interest{HalfWidth: 4000, HalfHeight: 2400}).WithDefaults()
	o := (&match.Options{SnapshotRate: 20, GridCell: interest.Cell, Recorder: rec}).WithDefaults()
	schema, err := match.NewSchema(rules)
	if err != nil {
		b.Fatal(err)
	}
	m := match.New("bench", rules, schema, 1, o)
	players := make([]*match.Player, n)
	peers := make([]*servertest.Peer, n)
	for i := range players {
		key := fmt.Sprint(i)
		if err := m.Reserve(key, o.Clock.Now().Add(time.Hour), time.Time{}); err != nil {
			b.Fatal(err)
		}
		peers[i] = &servertest.Peer{}
		p, err := m.SeatNow(match.JoinRequest{Key: key, Fresh: true, Peer: peers[i]})
		if err != nil {
			b.Fatal(err)
		}
		players[i] = p
	}
	for range 120 {
		for _, p := range players {
			p.Push(game.Input{MoveX: 100, Aim: uint16(p.ID()) * 997, Buttons: game.ButtonFire})
		}
		m.StepNow()
		drain(peers)
	}
	return m, players, peers
}
