package floor

import (
	"encoding/binary"

	"github.com/skirmishgg/skirmish/protocol"
)

// Arena v1's shape as the floor server presents it.
const (
	tickRate = 60
	// entityFields are the fields of the one kind the floor's snapshots
	// carry, as the arena names its players'.
	entityFields = 6
	// snapshotOverhead is the payload of a snapshot with no entity: see
	// snapshotTemplate.
	snapshotOverhead = 18
	// maxEntityBytes is the largest entity snapshotTemplate writes:
	// [id, kind, six 5-byte fields].
	maxEntityBytes = 3 + 5*entityFields
	// maxTemplateEntities keeps every ID a one-byte positive fixint.
	maxTemplateEntities = 127
	// maxTemplatePayload is the largest payload snapshotTemplate makes
	// exactly: its entities average at most 28 bytes.
	maxTemplatePayload = snapshotOverhead + maxTemplateEntities*(maxEntityBytes-5)
)

// Offsets in a snapshot payload of the fields patched after encoding:
// each a msgpack uint32 (0xce and four bytes).
const (
	tickOffset    = 2 + 1 // after the array header, the type and 0xce
	lastSeqOffset = 8 + 1 // after tick (5 bytes) and base (1)
)

// welcome is the Welcome the floor sends: the arena's rates and a player
// kind, so that clients apply its snapshots as they would Skirmish's.
func welcome(player uint32, match string, snapshotRate int) []byte {
	w := protocol.Welcome{
		Version:      protocol.Version,
		Player:       player,
		Match:        match,
		TickRate:     tickRate,
		SnapshotRate: uint32(snapshotRate),
		Kinds:        []protocol.KindSchema{{Name: "player", Fields: []string{"x", "y", "aim", "hp", "score", "deaths"}}},
		Static:       protocol.Static{Bounds: protocol.Rect{MaxX: 40000, MaxY: 40000}},
	}
	return w.Append(nil)
}

// snapshotTemplate returns a full snapshot (base 0) whose payload is size
// bytes: exactly from snapshotOverhead+9 to maxTemplatePayload, else as
// near as the encoding allows:
//
//	[4, tick, 0, lastSeq, created, [], []]
//
// with tick and lastSeq as fixed-width uint32s, patched per match and per
// client at tickOffset and lastSeqOffset, and created a list of player
// entities whose field values are picked so that their encodings (1, 2, 3
// or 5 bytes) add up to the size. Clients decode and apply it as any
// snapshot: each replaces the view.
func snapshotTemplate(size int) []byte {
	body := size - snapshotOverhead
	n := 0
	if body >= 9 { // the smallest entity
		n = min((body+maxEntityBytes-6)/(maxEntityBytes-5), maxTemplateEntities)
	}
	extra := max(body-9*n, 0) // bytes beyond the smallest entities
	widths := make([]int, n*entityFields)
	for i := range widths {
		widths[i] = 1
	}
	for i := range widths { // fives first, then one 3 and one 2 for the rest
		if extra >= 4 {
			widths[i], extra = 5, extra-4
		}
	}
	for i := range widths {
		switch {
		case extra == 0:
		case widths[i] == 1 && extra >= 2:
			widths[i], extra = 3, extra-2
		case widths[i] == 1:
			widths[i], extra = 2, extra-1
		}
	}
	b := make([]byte, 0, size)
	b = append(b, 0x97, byte(protocol.MsgSnapshot))
	b = append(b, 0xce, 0, 0, 0, 0) // tick
	b = append(b, 0)                // base: a full snapshot
	b = append(b, 0xce, 0, 0, 0, 0) // lastSeq
	b = append(b, 0xdc, byte(n>>8), byte(n))
	for e := range n {
		b = append(b, 0x90|byte(2+entityFields), byte(e+1), 0)
		for _, w := range widths[e*entityFields : (e+1)*entityFields] {
			switch w {
			case 1:
				b = append(b, 0x05)
			case 2:
				b = append(b, 0xcc, 200)
			case 3:
				b = binary.BigEndian.AppendUint16(append(b, 0xcd), 1000)
			case 5:
				b = binary.BigEndian.AppendUint32(append(b, 0xce), 100000)
			}
		}
	}
	return append(b, 0x90, 0x90) // changed, removed
}

// snapshotPayload is the snapshot payload size that gives frames of
// frameBytes bytes, headers included, as Skirmish's
// skirmish_bytes_out_total counts them: exactly, but for 128 and 129
// (no frame has that size) which get 130.
func snapshotPayload(frameBytes int) int {
	if frameBytes-2 < 126 {
		return frameBytes - 2
	}
	return max(frameBytes-4, 126)
}

// putUint32 patches a fixed-width msgpack uint32 whose four bytes start at
// b[0].
func putUint32(b []byte, v uint32) { binary.BigEndian.PutUint32(b, v) }
