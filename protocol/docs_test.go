package protocol

import (
	"encoding/hex"
	"testing"
)

// TestDocExamples pins the byte-level examples of docs/PROTOCOL.md to the
// real encoder: if this fails, the encoding changed and so must the document.
// Run with -v to print them.
func TestDocExamples(t *testing.T) {
	p := func(id uint32, x, y, aim, hp, score, deaths int32) Entity {
		return Entity{ID: id, Kind: 0, Fields: [MaxFields]int32{x, y, aim, hp, score, deaths}}
	}
	bullet := func(id uint32, x0, y0, dir, tick0, owner int32) Entity {
		return Entity{ID: id, Kind: 1, Fields: [MaxFields]int32{x0, y0, dir, tick0, owner}}
	}
	base := []Entity{ // tick 310
		p(1, 4000, 2000, 64, 100, 2, 1),
		p(2, 1200, 6400, 200, 100, 0, 0),
		bullet(65600, 4100, 2000, 0, 300, 1),
	}
	cur := []Entity{ // tick 312
		p(1, 4012, 1997, 64, 100, 2, 1), // moved +12, -3
		p(2, 1200, 6400, 200, 90, 0, 0), // hit: hp 100 -> 90
		bullet(65601, 1250, 6400, 49152, 311, 2),
	}
	examples := []struct {
		name string
		b    []byte
		want string
	}{
		{"hello", (&Hello{Version: 1, Name: "ann"}).Append(nil), "940101a3616e6ea0"},
		{"input", (&Input{Seq: 42, Ack: 310, MoveX: 127, MoveY: -127, Aim: 16384, Buttons: 1}).Append(nil),
			"97032acd01367fd081cd400001"},
		{"snapshot", AppendSnapshot(nil, 312, 310, 42, base, cur, arenaCounts),
			"9704cd0138cd01362a" + "9197ce00010041" + "01cd04e2cd1900cdc000cd013702" + "92" + "940103" + "1805" + "93020813" + "91ce00010040"},
	}
	for _, ex := range examples {
		got := hex.EncodeToString(ex.b)
		t.Logf("%s (%d bytes): %s", ex.name, len(ex.b), got)
		if got != ex.want {
			t.Errorf("%s: got %s, want %s: update docs/PROTOCOL.md", ex.name, got, ex.want)
		}
	}
	// And the snapshot applies to the client's view of base.
	var s Snapshot
	if err := s.Decode(examples[2].b); err != nil {
		t.Fatal(err)
	}
	got, err := Apply(nil, wireView(base, arenaCounts), &s)
	if err != nil || len(got) != 3 || got[0] != cur[0] || got[1] != cur[1] || got[2] != cur[2] {
		t.Errorf("Apply = %v, %v", got, err)
	}
}
