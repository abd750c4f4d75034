package protocol

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// newLike returns a new zero message of m's type.
func newLike(m Message) Message {
	return reflect.New(reflect.TypeOf(m).Elem()).Interface().(Message)
}

// normalize turns empty slices into nil, recursively, so that a message and
// its decoding compare equal whichever way "empty" was spelt.
func normalize(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			normalize(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			normalize(v.Field(i))
		}
	case reflect.Slice:
		if v.Len() == 0 {
			v.Set(reflect.Zero(v.Type()))
			return
		}
		for i := range v.Len() {
			normalize(v.Index(i))
		}
	case reflect.Array:
		for i := range v.Len() {
			normalize(v.Index(i))
		}
	}
}

func sameMessage(a, b Message) bool {
	normalize(reflect.ValueOf(a))
	normalize(reflect.ValueOf(b))
	return reflect.DeepEqual(a, b)
}

func fieldNames(n int, size int) []string {
	f := make([]string, n)
	for i := range f {
		f[i] = fmt.Sprintf("%0*d", size, i)
	}
	return f
}

func maxKinds() []KindSchema {
	k := make([]KindSchema, MaxKinds)
	for i := range k {
		k[i] = KindSchema{Name: strings.Repeat("k", MaxFieldName), Fields: fieldNames(MaxFields, MaxFieldName)}
	}
	return k
}

// arenaStatic is a static description like the arena's.
func arenaStatic() Static {
	return Static{
		Bounds: Rect{0, 0, 8000, 8000},
		Walls:  []Rect{{3200, 1520, 4800, 1760}, {-5, -1 << 31, 1<<31 - 1, 70000}},
		Params: []Param{{"player_radius", 80}, {"bullet_radius", 16}, {"muzzle_offset", 96}, {"neg", -129}},
	}
}

// maxStatic is a static description at every limit.
func maxStatic() Static {
	s := Static{Bounds: Rect{math.MinInt32, math.MinInt32, math.MaxInt32, math.MaxInt32},
		Walls: make([]Rect, MaxWalls), Params: make([]Param, MaxParams)}
	for i := range s.Walls {
		s.Walls[i] = Rect{int32(i), -int32(i), math.MaxInt32 - int32(i), 1 << 20}
	}
	for i := range s.Params {
		s.Params[i] = Param{fmt.Sprintf("%0*d", MaxParamName, i), math.MinInt32 + int32(i)}
	}
	return s
}

func manyCreated(n int) []Entity {
	e := make([]Entity, n)
	for i := range e {
		e[i] = Entity{ID: uint32(i + 1), Kind: uint8(i), Fields: [MaxFields]int32{int32(i), -int32(i)}}
	}
	return e
}

func manyResults(n int) []Result {
	r := make([]Result, n)
	for i := range r {
		r[i] = Result{Player: uint32(i), Score: int32(n - i), Deaths: -int32(i)}
	}
	return r
}

// sampleMessages covers every message type with ordinary and edge values.
func sampleMessages() []Message {
	long := strings.Repeat("é", MaxNameLen/2) // multi-byte, exactly at the limit
	full := [MaxFields]int32{math.MinInt32, math.MaxInt32, -1, 0, 1, -33, 128, 1 << 20}
	return []Message{
		&Hello{Version: Version, Name: "alice"},
		&Hello{},
		&Hello{Version: math.MaxUint32, Name: long, Resume: strings.Repeat("r", MaxResumeLen)},
		&Hello{Version: Version, Name: "bob", Identity: strings.Repeat("i", MaxIdentityLen)},
		&Welcome{Version: Version, Player: 7, Match: "0123456789abcdef", TickRate: 60, SnapshotRate: 30, Resume: "tok",
			Kinds: []KindSchema{{Name: "player", Fields: []string{"x", "y", "aim", "hp", "score", "deaths"}},
				{Name: "bullet", Fields: []string{"x0", "y0", "dir", "tick0", "owner"}}},
			Static: arenaStatic()},
		&Welcome{},
		&Welcome{Kinds: []KindSchema{{Name: "empty", Fields: []string{}}}},
		&Welcome{Version: math.MaxUint32, Player: math.MaxUint32, Match: strings.Repeat("m", MaxMatchLen),
			TickRate: math.MaxUint32, SnapshotRate: math.MaxUint32, Resume: strings.Repeat("r", MaxResumeLen), Kinds: maxKinds(),
			Static: maxStatic()},
		&Welcome{Static: Static{Bounds: Rect{1, 2, 3, 4}, Params: []Param{{"", 0}}}},
		&Input{Seq: 1, Ack: 0, MoveX: 127, MoveY: -127, Aim: 16384, Buttons: 1},
		&Input{},
		&Input{Seq: math.MaxUint32, Ack: math.MaxUint32, MoveX: -128, MoveY: -1, Aim: math.MaxUint16, Buttons: math.MaxUint8},
		&Input{Seq: 9, Ack: 310, MoveX: 5, Aim: 100, Buttons: 1, View: 301},
		&Input{View: 1},
		&Input{Seq: math.MaxUint32, Ack: math.MaxUint32, MoveX: -128, MoveY: -1, Aim: math.MaxUint16, Buttons: math.MaxUint8, View: math.MaxUint32},
		&Snapshot{},
		&Snapshot{Tick: 10, Base: 9, LastSeq: 3,
			Created: []Entity{{ID: 1, Kind: 0, Fields: [MaxFields]int32{100, 200, 3}}, {ID: 5, Kind: 1}},
			Changed: []Changed{{ID: 2, Mask: 0b101, Deltas: [MaxFields]int32{-1, 0, 64}}},
			Removed: []uint32{3, 4}},
		&Snapshot{Tick: math.MaxUint32, Base: math.MaxUint32 - 1, LastSeq: math.MaxUint32,
			Created: []Entity{{ID: math.MaxUint32, Kind: math.MaxUint8, Fields: full}},
			Changed: []Changed{{ID: 1, Mask: 0xff, Deltas: full}, {ID: 2}},
			Removed: []uint32{0, math.MaxUint32}},
		&Snapshot{Tick: 1, Created: manyCreated(MaxEntities)},
		&Ping{},
		&Ping{ClientTime: math.MaxUint64},
		&Pong{ClientTime: 123456789012, ServerTick: 77},
		&Pong{ClientTime: math.MaxUint64, ServerTick: math.MaxUint32},
		&Join{Player: 3, Name: "bob"},
		&Join{Player: math.MaxUint32, Name: long},
		&Join{},
		&Leave{Player: 3},
		&Leave{Player: math.MaxUint32},
		&Event{Tick: 100, Kind: 1, Actor: 2, Target: 3, Value: 10, X: 4000, Y: -20},
		&Event{Tick: math.MaxUint32, Kind: 255, Actor: math.MaxUint32, Target: math.MaxUint32,
			Value: math.MinInt32, X: math.MinInt32, Y: math.MaxInt32},
		&Event{},
		&MatchEnd{Tick: 18000, Reason: "score_limit", Winner: 2,
			Results: []Result{{2, 20, 3}, {1, 5, -1}}},
		&MatchEnd{Tick: 1, Reason: strings.Repeat("z", MaxReasonLen), Winner: math.MaxUint32, Results: manyResults(MaxResults)},
		&MatchEnd{Results: []Result{}},
		&Queue{Version: Version, Mode: "ffa", Skill: 1500,
			Regions: []RegionRTT{{"eu", 20}, {"us", 110}}, Identity: "g1.abc.def", Name: "ann", Party: "K7QX-M2PD"},
		&Queue{Regions: []RegionRTT{}},
		&Queue{Version: math.MaxUint32, Mode: strings.Repeat("m", MaxIDLen), Skill: math.MinInt32,
			Regions: make([]RegionRTT, MaxRegions), Identity: strings.Repeat("i", MaxIdentityLen),
			Name: strings.Repeat("n", MaxNameLen), Party: strings.Repeat("p", MaxPartyCode)},
		&Cancel{},
		&QueueStatus{Ticket: "t-1", State: "queued", Position: 3, ElapsedMs: 1200, EstimatedMs: 4000},
		&QueueStatus{Ticket: strings.Repeat("t", MaxIDLen), State: "assigned", Position: math.MaxUint32,
			ElapsedMs: math.MaxUint32, EstimatedMs: math.MaxUint32},
		&QueueStatus{},
		&Assigned{HostURL: "ws://localhost:8080/ws", Match: "m1",
			Tokens: []MemberToken{{"p-1", strings.Repeat("k", MaxResumeLen)}, {"p-2", "k2"}}},
		&Assigned{Tokens: []MemberToken{}},
		&QueueError{Code: "unknown_mode", Message: "mode \"x\" is not played here"},
		&QueueError{Code: strings.Repeat("c", MaxIDLen), Message: strings.Repeat("é", MaxMessageLen/2)},
		&Bye{Code: 1001, Reason: "server shutting down"},
		&Bye{Code: math.MaxUint16, Reason: strings.Repeat("r", MaxCloseReason)},
		&Bye{},
		&Spectate{Version: Version, Match: "0123456789abcdef"},
		&Spectate{},
		&Spectate{Version: math.MaxUint32, Match: strings.Repeat("m", MaxMatchLen), Token: strings.Repeat("t", MaxIdentityLen)},
		&Watching{Version: Version, Match: "m1", TickRate: 60, SnapshotRate: 30, DelayMs: 2000,
			Kinds: []KindSchema{{Name: "player", Fields: []string{"x", "y"}}}, Static: arenaStatic()},
		&Watching{},
		&Watching{Version: math.MaxUint32, Match: strings.Repeat("m", MaxMatchLen), TickRate: math.MaxUint32,
			SnapshotRate: math.MaxUint32, DelayMs: math.MaxUint32, Kinds: maxKinds(), Static: maxStatic()},
	}
}

func TestRoundTrip(t *testing.T) {
	for i, m := range sampleMessages() {
		t.Run(fmt.Sprintf("%d-%T", i, m), func(t *testing.T) {
			b := m.Append(nil)
			if typ, err := PeekType(b); err != nil || typ != m.Type() {
				t.Fatalf("PeekType = %d, %v; want %d", typ, err, m.Type())
			}
			got := newLike(m)
			if err := got.Decode(b); err != nil {
				t.Fatalf("decode %x: %v", b[:min(len(b), 64)], err)
			}
			if !bytes.Equal(got.Append(nil), b) {
				t.Errorf("re-encoding differs")
			}
			if !sameMessage(got, m) {
				t.Errorf("got %+v\nwant %+v", got, m)
			}
			// Appending leaves what b held untouched.
			pre := []byte{1, 2, 3}
			if b2 := m.Append(pre); !bytes.Equal(b2[:3], pre) || !bytes.Equal(b2[3:], b) {
				t.Errorf("Append onto a prefix is wrong")
			}
		})
	}
}

// TestDecodeReuses: decoding a smaller message into a used one leaves no
// trace of the bigger one.
func TestDecodeReuses(t *testing.T) {
	msgs := sampleMessages()
	for _, big := range msgs {
		for _, small := range msgs {
			if big.Type() != small.Type() {
				continue
			}
			m := newLike(big)
			if err := m.Decode(big.Append(nil)); err != nil {
				t.Fatal(err)
			}
			if err := m.Decode(small.Append(nil)); err != nil {
				t.Fatal(err)
			}
			want := newLike(small)
			want.Decode(small.Append(nil))
			if !sameMessage(m, want) {
				t.Errorf("%T: decoding over a used message: got %+v, want %+v", m, m, want)
			}
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	msgs := sampleMessages()
	for i, m := range msgs {
		b := m.Append(nil)
		name := fmt.Sprintf("%d-%T", i, m)
		check := func(what string, in []byte, want error) {
			t.Helper()
			err := newLike(m).Decode(in)
			if !errors.Is(err, want) {
				t.Errorf("%s %s: err %v, want %v", name, what, err, want)
			}
		}
		for n := range len(b) {
			if n > 300 && n < len(b)-300 {
				continue // the long samples: their ends are enough
			}
			check(fmt.Sprintf("truncated to %d", n), b[:n], ErrMalformed)
		}
		check("trailing byte", append(bytes.Clone(b), 0), ErrMalformed)
		check("trailing message", m.Append(bytes.Clone(b)), ErrMalformed)
		if b[0]&0xf0 == mpFixArray {
			mapped := bytes.Clone(b)
			mapped[0] = 0x80 | b[0]&0x0f
			check("map instead of array", mapped, ErrMalformed)
			extra := append(bytes.Clone(b), 0)
			extra[0]++
			check("extra element", extra, ErrMalformed)
			short := bytes.Clone(b)
			short[0]--
			check("missing element", short, ErrMalformed)
		}
		for _, other := range msgs {
			if other.Type() != m.Type() {
				check(fmt.Sprintf("type %d", other.Type()), other.Append(nil), ErrWrongType)
			}
		}
		check("unknown type", []byte{0x91, 0x63}, ErrWrongType)
		check("empty array", []byte{0x90}, ErrMalformed)
		check("empty", nil, ErrMalformed)
		check("not msgpack", []byte{0xc1}, ErrMalformed)
	}
}

func TestPeekType(t *testing.T) {
	tests := []struct {
		in   string
		typ  MsgType
		want error
	}{
		{"9101", MsgHello, nil},
		{"920a00", MsgMatchEnd, nil},
		{"91cc04", MsgSnapshot, nil},   // a wide form is fine
		{"dc000103", MsgInput, nil},    // array16
		{"dd0000000105", MsgPing, nil}, // array32
		{"9100", 0, ErrUnknownType},    // 0 is no type
		{"9113", 0, ErrUnknownType},    // past the last type (19)
		{"9110", MsgBye, nil},
		{"910f", MsgQueueError, nil},
		{"91cd0101", 0, ErrUnknownType},           // 257
		{"91ff", 0, ErrMalformed},                 // -1
		{"91a0", 0, ErrMalformed},                 // a string
		{"90", 0, ErrMalformed},                   // empty array
		{"", 0, ErrMalformed},                     // nothing
		{"8101", 0, ErrMalformed},                 // a map
		{"01", 0, ErrMalformed},                   // not an array
		{"91", 0, ErrMalformed},                   // truncated
		{"ddffffffff0102", 0, ErrMalformed},       // claims 4G elements in 2 bytes
		{"dc00", 0, ErrMalformed},                 // truncated header
		{"c1ff0013", 0, ErrMalformed},             // garbage
		{"9401 01 dbfffffff06162", MsgHello, nil}, // the rest is Decode's business
	}
	for _, tt := range tests {
		typ, err := PeekType(unhex(t, tt.in))
		if typ != tt.typ || !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
			t.Errorf("PeekType(%s) = %d, %v; want %d, %v", tt.in, typ, err, tt.typ, tt.want)
		}
	}
}

func TestDecodeLimits(t *testing.T) {
	over := func(n int) string { return strings.Repeat("x", n+1) }
	tests := []Message{
		&Hello{Name: over(MaxNameLen)},
		&Hello{Resume: over(MaxResumeLen)},
		&Hello{Identity: over(MaxIdentityLen)},
		&Queue{Identity: over(MaxIdentityLen)},
		&Queue{Party: over(MaxPartyCode)},
		&Welcome{Match: over(MaxMatchLen)},
		&Welcome{Resume: over(MaxResumeLen)},
		&Welcome{Kinds: make([]KindSchema, MaxKinds+1)},
		&Welcome{Kinds: []KindSchema{{Name: over(MaxFieldName)}}},
		&Welcome{Kinds: []KindSchema{{Fields: make([]string, MaxFields+1)}}},
		&Welcome{Kinds: []KindSchema{{Fields: []string{over(MaxFieldName)}}}},
		&Welcome{Static: Static{Walls: make([]Rect, MaxWalls+1)}},
		&Welcome{Static: Static{Params: make([]Param, MaxParams+1)}},
		&Welcome{Static: Static{Params: []Param{{Name: over(MaxParamName)}}}},
		&Join{Name: over(MaxNameLen)},
		&MatchEnd{Reason: over(MaxReasonLen)},
		&MatchEnd{Results: make([]Result, MaxResults+1)},
		&Snapshot{Created: manyCreated(MaxEntities + 1)},
		&Snapshot{Changed: make([]Changed, MaxEntities+1)},
		&Snapshot{Removed: make([]uint32, MaxEntities+1)},
	}
	for _, m := range tests {
		if err := newLike(m).Decode(m.Append(nil)); !errors.Is(err, ErrLimit) {
			t.Errorf("%T over a limit: err %v, want ErrLimit", m, err)
		}
	}
	// A created entity with more than MaxFields fields.
	b := header(nil, MsgSnapshot, 7)
	b = append(b, 1, 0, 0, 0x91, 0x90|(3+MaxFields), 1, 0)
	for range MaxFields + 1 {
		b = append(b, 0)
	}
	b = append(b, 0x90, 0x90)
	var s Snapshot
	if err := s.Decode(b); !errors.Is(err, ErrLimit) {
		t.Errorf("created entity with %d fields: err %v, want ErrLimit", MaxFields+1, err)
	}
}

func TestSnapshotDecodeShape(t *testing.T) {
	snap := func(sections string) []byte {
		return append(header(nil, MsgSnapshot, 7), unhex(t, "0a0900"+sections)...)
	}
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"created entity without kind", snap("91 9101 90 90"), ErrMalformed},
		{"created entity as a map", snap("91 820100 90 90"), ErrMalformed},
		{"created field out of int32", snap("91 930100ce80000000 90 90"), ErrMalformed},
		{"changed mask and count disagree", snap("90 91 93010301 90"), ErrMalformed},
		{"changed without mask", snap("90 91 9101 90"), ErrMalformed},
		{"changed mask over uint8", snap("90 91 9301cd010001 90"), ErrMalformed},
		{"delta beyond ±(2³²-1)", snap("90 91 930101cf00000001ffffffff 90"), ErrMalformed},
		{"negative delta encoding", snap("90 91 930101ff 90"), ErrMalformed},
		{"removed ID negative", snap("90 90 91ff"), ErrMalformed},
		{"section not an array", snap("00 90 90"), ErrMalformed},
		{"huge created section", snap("ddffffffff 90 90"), ErrLimit},
		{"created section longer than the message", snap("dc0fff 90 90"), ErrMalformed},
	}
	for _, tt := range tests {
		var s Snapshot
		if err := s.Decode(tt.in); !errors.Is(err, tt.want) {
			t.Errorf("%s: err %v, want %v", tt.name, err, tt.want)
		}
	}
	// The widest deltas decode, wrapping into int32.
	var s Snapshot
	if err := s.Decode(snap("90 92 930101cf00000001fffffffe 930201cf00000001fffffffd 90")); err != nil {
		t.Fatal(err)
	}
	if d0, d1 := s.Changed[0].Deltas[0], s.Changed[1].Deltas[0]; d0 != -1 || d1 != 1 {
		t.Errorf("wide deltas decode to %d, %d; want -1, 1 (mod 2³²)", d0, d1)
	}
}

// hostile holds inputs claiming huge lengths with a few bytes behind them.
var hostile = []struct {
	name string
	in   string
	msg  Message
	want error
}{
	{"array32 message claiming 4G elements", "ddffffffff04000000000000000000", &Snapshot{}, ErrMalformed},
	{"array32 hello claiming 4G elements", "ddffffffff0102", &Hello{}, ErrMalformed},
	{"hello with a 4GB name", "950101dbfffffff06162", &Hello{}, ErrLimit},
	{"hello with a 2GB resume", "950101a0db7fffffff6162", &Hello{}, ErrLimit},
	{"hello with a 2GB identity", "950101a0a0db7fffffff6162", &Hello{}, ErrLimit},
	{"version 3 hello (four elements)", "940103a0a0", &Hello{}, ErrMalformed},
	{"snapshot with 4G created", "97040a0900ddffffffff0102030405", &Snapshot{}, ErrLimit},
	{"snapshot with 4G removed", "97040a09009090ddffffffff01", &Snapshot{}, ErrLimit},
	{"snapshot with 4095 created in 3 bytes", "97040a0900dc0fff010203", &Snapshot{}, ErrMalformed},
	{"welcome with 4G kinds", "99020101a0 0101a0 ddffffffff01", &Welcome{}, ErrLimit},
	{"welcome with a 4G kind name", "99020101a0 0101a0 91 92dbffffffff61", &Welcome{}, ErrLimit},
	{"welcome with 4G walls", "99020101a0 0101a0 90 93 9400000000 ddffffffff01", &Welcome{}, ErrLimit},
	{"welcome with 1000 walls in 3 bytes", "99020101a0 0101a0 90 93 9400000000 dc03e8010203", &Welcome{}, ErrMalformed},
	{"welcome with 4G params", "99020101a0 0101a0 90 93 9400000000 90 ddffffffff01", &Welcome{}, ErrLimit},
	{"welcome with a 4G param name", "99020101a0 0101a0 90 93 9400000000 90 91 92dbffffffff61", &Welcome{}, ErrLimit},
	{"welcome of version 1 (8 elements)", "98020101a0 0101a0 90", &Welcome{}, ErrMalformed},
	{"match end with 4G results", "950a01a000ddffffffff01", &MatchEnd{}, ErrLimit},
	{"match end with 200 results in 2 bytes", "950a01a000dc00c80102", &MatchEnd{}, ErrMalformed},
}

func TestHostileLengths(t *testing.T) {
	for _, tt := range hostile {
		in := unhex(t, tt.in)
		err := tt.msg.Decode(in)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: err %v, want %v", tt.name, err, tt.want)
			continue
		}
		allocs := testing.AllocsPerRun(20, func() { tt.msg.Decode(in) })
		if allocs != 0 {
			t.Errorf("%s: %v allocations to reject", tt.name, allocs)
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range 100 {
			tt.msg.Decode(in)
		}
		runtime.ReadMemStats(&after)
		if n := after.TotalAlloc - before.TotalAlloc; n > 64<<10 {
			t.Errorf("%s: %d bytes allocated in 100 rejections", tt.name, n)
		}
	}
}

func TestDecodeAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts")
	}
	for _, m := range sampleMessages() {
		b := m.Append(nil)
		d := newLike(m)
		if err := d.Decode(b); err != nil {
			t.Fatal(err)
		}
		// Once warmed up, every decoder reuses what it has: slices' capacity
		// and equal strings.
		if allocs := testing.AllocsPerRun(20, func() { d.Decode(b) }); allocs != 0 {
			t.Errorf("%T: %v allocations decoding again", m, allocs)
		}
	}
	in := (&Input{Seq: 1, MoveX: -3}).Append(nil)
	var m Input
	if allocs := testing.AllocsPerRun(100, func() { m.Decode(in) }); allocs != 0 {
		t.Errorf("Input decode: %v allocations", allocs)
	}
}

func TestNewFieldCounts(t *testing.T) {
	c, err := NewFieldCounts([]KindSchema{{Name: "p", Fields: []string{"x", "y", "z"}}, {Name: "q"}})
	if err != nil || c[0] != 3 || c[1] != 0 || c[2] != 0 {
		t.Fatalf("NewFieldCounts = %v, %v", c[:3], err)
	}
	if _, err := NewFieldCounts(maxKinds()); err != nil {
		t.Errorf("the largest schema: %v", err)
	}
	bad := [][]KindSchema{
		make([]KindSchema, MaxKinds+1),
		{{Name: "p", Fields: make([]string, MaxFields+1)}},
		{{Name: strings.Repeat("k", MaxFieldName+1)}},
		{{Name: "p", Fields: []string{strings.Repeat("f", MaxFieldName+1)}}},
	}
	for _, kinds := range bad {
		if _, err := NewFieldCounts(kinds); err == nil {
			t.Errorf("NewFieldCounts accepted a schema no decoder takes: %d kinds", len(kinds))
		}
	}
}

func TestPeekVersion(t *testing.T) {
	v3hello := "940103a0a0"               // [1, 3, "", ""]
	v3queue := "960b03a3666661cd05dc9090" // [11, 3, "ffa", 1500, [], []]
	tests := []struct {
		name string
		in   []byte
		want uint32
		err  error
	}{
		{"v4 hello", (&Hello{Version: Version, Identity: "x"}).Append(nil), Version, nil},
		{"v4 queue", (&Queue{Version: Version, Mode: "duel"}).Append(nil), Version, nil},
		{"v3 hello", unhex(t, v3hello), 3, nil},
		{"v3 queue", unhex(t, v3queue), 3, nil},
		{"input", (&Input{Seq: 4}).Append(nil), 0, ErrWrongType},
		{"type only", unhex(t, "9101"), 0, ErrMalformed},
		{"empty", nil, 0, ErrMalformed},
		{"version not an integer", unhex(t, "9201a0"), 0, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := PeekVersion(tt.in)
			if !errors.Is(err, tt.err) || (tt.err == nil && v != tt.want) {
				t.Errorf("PeekVersion = %d, %v; want %d, %v", v, err, tt.want, tt.err)
			}
		})
	}
}
