package protocol

import (
	"encoding/hex"
	"os"
	"strings"
	"testing"
)

// TestDocExamples pins the byte-level examples of docs/PROTOCOL.md to the
// real encoder, and checks that the document shows exactly these bytes: if
// this fails, the encoding changed and so must the document. Run with -v to
// print them. (The bullet's spawn point is the arena's real arithmetic:
// game/arena's TestDocExampleBullet pins it.)
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
		p(1, 4012, 1997, 64, 100, 2, 1),          // moved +12, -3
		p(2, 1200, 6400, 200, 90, 0, 0),          // hit: hp 100 -> 90
		bullet(65601, 1200, 6304, 49152, 311, 2), // fired upwards: muzzle_offset 96 above player 2
	}
	examples := []struct {
		name string
		b    []byte
		want string
	}{
		{"hello", (&Hello{Version: Version, Name: "ann"}).Append(nil), "950104a3616e6ea0a0"},
		{"input", (&Input{Seq: 42, Ack: 310, MoveX: 127, MoveY: -127, Aim: 16384, Buttons: 1}).Append(nil),
			"97032acd01367fd081cd400001"},
		{"input with view", (&Input{Seq: 42, Ack: 310, MoveX: 127, MoveY: -127, Aim: 16384, Buttons: 1, View: 296}).Append(nil),
			"98032acd01367fd081cd400001cd0128"},
		{"snapshot", AppendSnapshot(nil, 312, 310, 42, base, cur, arenaCounts),
			"9704cd0138cd01362a" + "9197ce00010041" + "01cd04b0cd18a0cdc000cd013702" + "92" + "940103" + "1805" + "93020813" + "91ce00010040"},
		{"welcome", (&Welcome{Version: Version, Player: 3, Match: "m1", TickRate: 60, SnapshotRate: 30,
			Kinds: []KindSchema{{Name: "dot", Fields: []string{"x", "y"}}},
			Static: Static{Bounds: Rect{0, 0, 400, 300}, Walls: []Rect{{100, 100, 200, 140}},
				Params: []Param{{"player_radius", 80}}}}).Append(nil),
			"99020403a26d313c1ea09192a3646f7492a178a17993940000cd0190cd012c91946464ccc8cc8c9192ad706c617965725f72616469757350"},
	}
	doc, err := os.ReadFile("../docs/PROTOCOL.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range examples {
		got := hex.EncodeToString(ex.b)
		t.Logf("%s (%d bytes): %s", ex.name, len(ex.b), got)
		if got != ex.want {
			t.Errorf("%s: got %s, want %s: update docs/PROTOCOL.md", ex.name, got, ex.want)
		}
		if !strings.Contains(string(doc), "`"+ex.want+"`") {
			t.Errorf("%s: docs/PROTOCOL.md does not show its hex `%s`", ex.name, ex.want)
		}
	}
	// And the snapshot applies to the client's view of base.
	var s Snapshot
	if err := s.Decode(examples[3].b); err != nil {
		t.Fatal(err)
	}
	got, err := Apply(nil, wireView(base, arenaCounts), &s)
	if err != nil || len(got) != 3 || got[0] != cur[0] || got[1] != cur[1] || got[2] != cur[2] {
		t.Errorf("Apply = %v, %v", got, err)
	}
}
