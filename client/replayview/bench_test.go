package replayview_test

import (
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// BenchmarkSeekToEnd is a long seek's worst case in a 5-minute
// 16-player match (18000 ticks at 60 Hz) recorded as the server does
// (a state every 10 s): from the start to the tick before the end, the
// farthest from a state (599 steps after restoring it). Before states,
// this re-simulated all 18000 ticks (120 ms natively).
func BenchmarkSeekToEnd(b *testing.B) {
	rules, _ := arena.ModeRules("ffa", 0)
	p := open(b, servertest.Recording(b, rules, servertest.RecordingOptions{Mode: "ffa", Players: 16, Ticks: 5 * 60 * 60, CheckpointEvery: 600}))
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Seek(1); err != nil {
			b.Fatal(err)
		}
		if err := p.Seek(p.Ticks() - 1); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/seek")
}

// BenchmarkSeekBack5s is ← at the end of a 5-minute 16-player match: a
// seek back 5 s stepping on from the spare world kept 10 s behind. The
// spare is rebuilt between seeks, untimed (as frames pass, a few
// hundred steps each).
func BenchmarkSeekBack5s(b *testing.B) {
	p := open(b, record(b, 16, 5*60*60))
	end := p.Ticks()
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		p.Seek(end)
		for range 60 {
			p.Advance(time.Second / 60)
		}
		b.StartTimer()
		if err := p.SeekBy(-5 * time.Second); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCatchUpFrame is one frame's share of rebuilding the spare
// world after a seek back (spareCatchUp steps of a 16-player match).
func BenchmarkCatchUpFrame(b *testing.B) {
	p := open(b, record(b, 16, 5*60*60))
	p.Seek(p.Ticks())
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		p.Seek(p.Ticks() - 1) // drops the spare: the next frame rebuilds
		p.Seek(p.Ticks())
		b.StartTimer()
		p.Advance(time.Second / 60)
	}
}
