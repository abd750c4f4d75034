package protocol

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

// Every decoder is fuzzed: it must never panic, every error must wrap
// exactly one sentinel, and whatever it accepts must re-encode to something
// that decodes to the same value, canonically.

var sentinels = []error{ErrMalformed, ErrUnknownType, ErrWrongType, ErrLimit}

func checkSentinel(t *testing.T, err error) {
	t.Helper()
	n := 0
	for _, s := range sentinels {
		if errors.Is(err, s) {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("error %q wraps %d sentinels", err, n)
	}
}

// maxSeed keeps the long samples out of the corpus: the fuzzer minimizes
// every new input it finds, which takes seconds on kilobytes and stalls a
// short run. The unit tests cover the long samples.
const maxSeed = 512

// addSeeds adds valid encodings of messages of type typ (0: any), small
// enough to mutate quickly, and a few hostile inputs.
func addSeeds(f *testing.F, typ MsgType) {
	for _, m := range sampleMessages() {
		if b := m.Append(nil); (typ == 0 || m.Type() == typ) && len(b) <= maxSeed {
			f.Add(b)
		}
	}
	for _, h := range hostile {
		f.Add(unhex(f, h.in))
	}
	f.Add([]byte{})
	f.Add([]byte{0x91, 0x63})
}

type message[T any] interface {
	*T
	Message
}

func fuzzMessage[T any, P message[T]](f *testing.F) {
	var zero T
	typ := P(&zero).Type()
	addSeeds(f, typ)
	// used has decoded a sample first, to catch state leaking between
	// decodes.
	var sample []byte
	for _, m := range sampleMessages() {
		if b := m.Append(nil); m.Type() == typ && len(b) <= maxSeed && len(b) > len(sample) {
			sample = b
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m T
		err := P(&m).Decode(b)
		used := new(T)
		if err := P(used).Decode(sample); err != nil {
			t.Fatal(err)
		}
		usedErr := P(used).Decode(b)
		if (err == nil) != (usedErr == nil) {
			t.Fatalf("fresh decode: %v; decode into a used message: %v", err, usedErr)
		}
		if err != nil {
			checkSentinel(t, err)
			if errors.Is(err, ErrUnknownType) {
				t.Fatalf("Decode returned ErrUnknownType: %v", err)
			}
			return
		}
		if !sameMessage(P(used), P(&m)) {
			t.Fatalf("decode into a used message\n got %+v\nwant %+v", *used, m)
		}
		if pt, err := PeekType(b); err != nil || pt != typ {
			t.Fatalf("Decode accepted %x but PeekType = %d, %v", b, pt, err)
		}
		b2 := P(&m).Append(nil)
		var m2 T
		if err := P(&m2).Decode(b2); err != nil {
			t.Fatalf("re-encoding %x does not decode: %v", b2, err)
		}
		if !reflect.DeepEqual(m, m2) {
			t.Fatalf("re-encoded value differs\n got %+v\nwant %+v", m2, m)
		}
		if b3 := P(&m2).Append(nil); !bytes.Equal(b2, b3) {
			t.Fatalf("encoding is not canonical: %x then %x", b2, b3)
		}
	})
}

func FuzzHello(f *testing.F)       { fuzzMessage[Hello](f) }
func FuzzWelcome(f *testing.F)     { fuzzMessage[Welcome](f) }
func FuzzInput(f *testing.F)       { fuzzMessage[Input](f) }
func FuzzPing(f *testing.F)        { fuzzMessage[Ping](f) }
func FuzzPong(f *testing.F)        { fuzzMessage[Pong](f) }
func FuzzJoin(f *testing.F)        { fuzzMessage[Join](f) }
func FuzzLeave(f *testing.F)       { fuzzMessage[Leave](f) }
func FuzzEvent(f *testing.F)       { fuzzMessage[Event](f) }
func FuzzMatchEnd(f *testing.F)    { fuzzMessage[MatchEnd](f) }
func FuzzQueue(f *testing.F)       { fuzzMessage[Queue](f) }
func FuzzCancel(f *testing.F)      { fuzzMessage[Cancel](f) }
func FuzzQueueStatus(f *testing.F) { fuzzMessage[QueueStatus](f) }
func FuzzAssigned(f *testing.F)    { fuzzMessage[Assigned](f) }
func FuzzQueueError(f *testing.F)  { fuzzMessage[QueueError](f) }
func FuzzBye(f *testing.F)         { fuzzMessage[Bye](f) }
func FuzzSpectate(f *testing.F)    { fuzzMessage[Spectate](f) }
func FuzzWatching(f *testing.F)    { fuzzMessage[Watching](f) }

// FuzzSnapshotDecode fuzzes Snapshot.Decode alone; FuzzSnapshot adds Apply.
func FuzzSnapshotDecode(f *testing.F) { fuzzMessage[Snapshot](f) }

// allFields sends every field of every kind.
var allFields = func() *FieldCounts {
	var c FieldCounts
	for i := range c {
		c[i] = MaxFields
	}
	return &c
}()

// fuzzBase is a baseline the fuzzed snapshots apply to: IDs 1 to 12, some
// fields set.
var fuzzBase = func() []Entity {
	var w []Entity
	for id := uint32(1); id <= 12; id++ {
		w = append(w, Entity{ID: id, Kind: uint8(id % 3), Fields: [MaxFields]int32{int32(id), -int32(id), 100}})
	}
	return w
}()

func FuzzSnapshot(f *testing.F) {
	addSeeds(f, MsgSnapshot)
	// Deltas that fit fuzzBase.
	next := append([]Entity{{ID: 0, Kind: 1}}, fuzzBase[2:]...)
	next[3].Fields[0] += 5
	next[4].Kind = 7
	next = append(next, Entity{ID: 40, Fields: [MaxFields]int32{-1, 1 << 30}})
	f.Add(AppendSnapshot(nil, 5, 4, 1, fuzzBase, next, allFields))
	f.Add(AppendSnapshot(nil, 5, 4, 1, fuzzBase, nil, allFields))
	f.Add(AppendSnapshot(nil, 5, 0, 1, nil, next, allFields))
	f.Fuzz(func(t *testing.T, b []byte) {
		var s Snapshot
		if err := s.Decode(b); err != nil {
			checkSentinel(t, err)
			return
		}
		for _, base := range [][]Entity{nil, fuzzBase} {
			got, err := Apply(nil, base, &s)
			if err != nil {
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("Apply error %v does not wrap ErrMalformed", err)
				}
				continue
			}
			for i := 1; i < len(got); i++ {
				if got[i].ID <= got[i-1].ID {
					t.Fatalf("Apply gave IDs out of order: %v", got)
				}
			}
			// The server's encoder turns the same baseline into the same
			// result.
			if s.Base == 0 {
				base = nil
			}
			if len(got) > MaxEntities {
				continue // the full re-diff would be over the limit
			}
			d := decodeSnapshot(t, AppendSnapshot(nil, s.Tick, 1, 0, base, got, allFields))
			again, err := Apply(nil, base, d)
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Fatalf("re-diffed snapshot: %v\n got %v\nwant %v", err, again, got)
			}
		}
	})
}

func FuzzPeekType(f *testing.F) {
	addSeeds(f, 0)
	f.Fuzz(func(t *testing.T, b []byte) {
		typ, err := PeekType(b)
		if err != nil {
			checkSentinel(t, err)
			if typ != 0 {
				t.Fatalf("PeekType returned type %d with error %v", typ, err)
			}
			return
		}
		if typ < MsgHello || typ > lastMsgType {
			t.Fatalf("PeekType returned undefined type %d", typ)
		}
	})
}
