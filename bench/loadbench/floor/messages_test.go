package floor

import (
	"testing"

	"github.com/skirmishgg/skirmish/protocol"
)

// TestSnapshotTemplate checks that every size in range comes out exact
// and decodes as a full snapshot whose tick and lastSeq can be patched.
func TestSnapshotTemplate(t *testing.T) {
	for size := snapshotOverhead; size <= maxTemplatePayload; size++ {
		b := snapshotTemplate(size)
		if size >= snapshotOverhead+9 || size == snapshotOverhead {
			if len(b) != size {
				t.Fatalf("template for %d bytes is %d", size, len(b))
			}
		}
		putUint32(b[tickOffset:], 123456)
		putUint32(b[lastSeqOffset:], 789)
		var s protocol.Snapshot
		if err := s.Decode(b); err != nil {
			t.Fatalf("%d bytes: %v", size, err)
		}
		if s.Tick != 123456 || s.LastSeq != 789 || s.Base != 0 {
			t.Fatalf("%d bytes: tick %d lastSeq %d base %d", size, s.Tick, s.LastSeq, s.Base)
		}
		if _, err := protocol.Apply(nil, nil, &s); err != nil {
			t.Fatalf("%d bytes: apply: %v", size, err)
		}
	}
}

func TestSnapshotPayload(t *testing.T) {
	for _, tt := range []struct{ frame, payload int }{{20, 18}, {127, 125}, {128, 126}, {129, 126}, {130, 126}, {300, 296}} {
		if got := snapshotPayload(tt.frame); got != tt.payload {
			t.Errorf("snapshotPayload(%d) = %d, want %d", tt.frame, got, tt.payload)
		}
		if tt.frame != 128 && tt.frame != 129 && len(appendFrameHeader(nil, opBinary, tt.payload))+tt.payload != tt.frame {
			t.Errorf("frame of %d bytes: header and payload disagree", tt.frame)
		}
	}
}

func TestWelcomeDecodes(t *testing.T) {
	var w protocol.Welcome
	if err := w.Decode(welcome(7, "floor-1", 20)); err != nil {
		t.Fatal(err)
	}
	if w.Player != 7 || w.Match != "floor-1" || w.SnapshotRate != 20 || w.TickRate != tickRate || len(w.Kinds) != 1 {
		t.Fatalf("welcome %+v", w)
	}
}
