package server

import (
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/game/arena"
)

// BenchmarkMatchTick measures one step of a full match as the loop runs
// it, without the network: inputs taken, the arena stepped, events queued
// for every session and, on every third step (20 snapshots a second), the
// view built, indexed for interest management and offered to every
// session. It reports the mean (ns/op) and the 99th percentile of single
// steps, which is what the tick's lateness budget is about.
func BenchmarkMatchTick(b *testing.B) {
	for _, players := range []int{16, 256} {
		b.Run(map[int]string{16: "16players", 256: "256players"}[players], func(b *testing.B) {
			m, sessions := benchMatch(b, players)
			rng := uint64(1)
			steps := make([]time.Duration, 0, 1<<16)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				for i, s := range sessions {
					rng = rng*6364136223846793005 + 1442695040888963407
					s.pushInput(game.Input{Seq: uint32(m.tick), MoveX: int8(rng >> 56), MoveY: int8(rng >> 48), Aim: uint16(rng >> 32), Buttons: uint8(rng>>24) & game.ButtonFire})
					_ = i
				}
				began := time.Now()
				if m.step() {
					b.Fatal("the match ended: raise its limits")
				}
				if len(steps) < cap(steps) {
					steps = append(steps, time.Since(began))
				}
				// What the senders would do: take the view, drain events.
				b.StopTimer()
				for _, s := range sessions {
					if v, _ := s.take(); v != nil {
						v.release()
					}
					s.reliable.drain(nil)
				}
				b.StartTimer()
			}
			slices.Sort(steps)
			b.ReportMetric(float64(steps[len(steps)*99/100].Nanoseconds()), "p99-ns/tick")
		})
	}
}

// benchMatch is a running arena match of n connection-less sessions, with
// interest management, warmed up so that bullets fly.
func benchMatch(b *testing.B, n int) (*Match, []*session) {
	b.Helper()
	rules := arena.New(&arena.Config{MaxPlayers: n, ScoreLimit: 1 << 30, TimeLimit: 1 << 30})
	o := (&Options{
		SnapshotRate: 20,
		Interest:     &Interest{HalfWidth: 4000, HalfHeight: 2400},
		Logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
	}).withDefaults()
	o.ReliableQueue = max(o.ReliableQueue, 2*n+32)
	schema, err := newWireSchema(rules)
	if err != nil {
		b.Fatal(err)
	}
	m := newMatch("bench", rules, 1, &o, schema, &sync.Map{})
	sessions := make([]*session, n)
	for i := range sessions {
		if !m.reserve() {
			b.Fatal("no seat")
		}
		s := newSession(nil, m.opts, &sync.WaitGroup{})
		m.addSession(s)
		if err := <-s.joined; err != nil {
			b.Fatal(err)
		}
		sessions[i] = s
	}
	for range 120 {
		for _, s := range sessions {
			s.pushInput(game.Input{MoveX: 100, Aim: uint16(s.player) * 997, Buttons: game.ButtonFire})
		}
		m.step()
		for _, s := range sessions {
			if v, _ := s.take(); v != nil {
				v.release()
			}
			s.reliable.drain(nil)
		}
	}
	return m, sessions
}
