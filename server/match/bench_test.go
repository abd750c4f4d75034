package match_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/server/match"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// BenchmarkMatchTick measures one step of a full match as the loop runs
// it, without the network: inputs taken, the arena stepped, events queued
// for every peer and, on every third step (20 snapshots a second), the
// view built, indexed for interest management and offered to every peer.
// It reports the mean (ns/op) and the 99th percentile of single steps,
// which is what the tick's lateness budget is about.
func BenchmarkMatchTick(b *testing.B) {
	for _, players := range []int{16, 256} {
		b.Run(map[int]string{16: "16players", 256: "256players"}[players], func(b *testing.B) {
			m, players, peers := benchMatch(b, players)
			rng := uint64(1)
			steps := make([]time.Duration, 0, 1<<16)
			tick := uint32(0)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				tick++
				for _, p := range players {
					rng = rng*6364136223846793005 + 1442695040888963407
					p.Push(game.Input{Seq: tick, MoveX: int8(rng >> 56), MoveY: int8(rng >> 48), Aim: uint16(rng >> 32), Buttons: uint8(rng>>24) & game.ButtonFire})
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

// benchMatch is an arena match of n in-memory peers, stepped by hand, with
// interest management, warmed up so that bullets fly.
func benchMatch(b *testing.B, n int) (*match.Match, []*match.Player, []*servertest.Peer) {
	b.Helper()
	rules := arena.New(&arena.Config{MaxPlayers: n, ScoreLimit: 1 << 30, TimeLimit: 1 << 30})
	interest := (&match.Interest{HalfWidth: 4000, HalfHeight: 2400}).WithDefaults()
	o := (&match.Options{SnapshotRate: 20, GridCell: interest.Cell}).WithDefaults()
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
