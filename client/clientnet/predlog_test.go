package clientnet

import (
	"testing"

	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/replay"
)

// TestPredLogRing: the log keeps the newest samples, oldest first, with
// the kind's fields only, and hands out copies the ring cannot overwrite.
func TestPredLogRing(t *testing.T) {
	kinds := []protocol.KindSchema{{Name: "player", Fields: []string{"x", "y", "aim"}}}
	for _, tc := range []struct {
		size, adds int
		first      uint32
	}{
		{0, 5, 0},
		{4, 3, 1},
		{4, 4, 1},
		{4, 10, 7},
	} {
		l := predLog{ring: make([]replay.PredictionSample, tc.size)}
		for i := 1; i <= tc.adds; i++ {
			pred := protocol.Entity{ID: 2, Fields: [8]int32{int32(i), 1, 2, 99}}
			srv := protocol.Entity{ID: 2, Fields: [8]int32{int32(i), 1, 3, 99}}
			l.add(uint32(i), uint32(i), &pred, &srv, kinds)
		}
		got := l.samples()
		want := min(tc.size, tc.adds)
		if len(got) != want {
			t.Fatalf("size %d, %d adds: %d samples", tc.size, tc.adds, len(got))
		}
		if want == 0 {
			continue
		}
		if got[0].Tick != tc.first || got[len(got)-1].Tick != uint32(tc.adds) {
			t.Errorf("size %d, %d adds: ticks %d..%d", tc.size, tc.adds, got[0].Tick, got[len(got)-1].Tick)
		}
		if len(got[0].Predicted) != 3 || got[0].Server[2] != 3 || got[0].Player != 2 {
			t.Errorf("sample %+v", got[0])
		}
		l.add(100, 100, &protocol.Entity{}, &protocol.Entity{}, kinds)
		if got[0].Predicted[0] != int32(tc.first) {
			t.Error("a sample handed out was overwritten by the ring")
		}
	}
}
