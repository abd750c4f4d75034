package replayview_test

import (
	"testing"
)

// BenchmarkSeekToEnd is a backwards seek's worst case: re-simulating a
// 5-minute 16-player match (18000 ticks at 60 Hz) from tick 0 to its end,
// as seeking back from the end to near the end does.
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
