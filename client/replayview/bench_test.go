package replayview_test

import (
	"testing"
	"time"
)

// BenchmarkSeekToEnd is a backwards seek's worst case: re-simulating a
// 5-minute 16-player match (18000 ticks at 60 Hz) from tick 0 to its end,
// as seeking back from the end past the spare world does.
func BenchmarkSeekToEnd(b *testing.B) {
	p := open(b, record(b, 16, 5*60*60))
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Seek(1); err != nil {
			b.Fatal(err)
		}
		if err := p.Seek(p.Ticks()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/seek")
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
