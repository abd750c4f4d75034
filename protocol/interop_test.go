package protocol

import (
	"bytes"
	"fmt"
	"math"
	"reflect"
	"testing"

	"github.com/vmihailenco/msgpack/v5"
)

// Interoperability with a general-purpose msgpack library: what we encode
// it reads as plain arrays of integers and strings, and what it encodes
// (with integer widths of its own choosing) we decode.

// generic is the value an encoding stands for, with every integer as int64
// or uint64 whatever its wire width.
func generic(v any) any {
	switch v := v.(type) {
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = generic(e)
		}
		return out
	case int8:
		return int64(v)
	case int16:
		return int64(v)
	case int32:
		return int64(v)
	case int64:
		return v
	case uint8:
		return int64(v)
	case uint16:
		return int64(v)
	case uint32:
		return int64(v)
	case uint64:
		if v <= math.MaxInt64 {
			return int64(v)
		}
		return v
	case int:
		return int64(v)
	case uint:
		return generic(uint64(v))
	}
	return v // strings, and anything unexpected, which will not compare equal
}

// expected builds, by hand, the generic form of each message.
func expected(m Message) []any {
	arr := func(v ...any) []any { return generic(v).([]any) }
	switch m := m.(type) {
	case *Hello:
		return arr(1, m.Version, m.Name, m.Resume, m.Identity)
	case *Welcome:
		kinds, static := genericSchema(m.Kinds, m.Static)
		return arr(2, m.Version, m.Player, m.Match, m.TickRate, m.SnapshotRate, m.Resume, kinds, static)
	case *Spectate:
		return arr(17, m.Version, m.Match, m.Token)
	case *Watching:
		kinds, static := genericSchema(m.Kinds, m.Static)
		return arr(18, m.Version, m.Match, m.TickRate, m.SnapshotRate, m.DelayMs, kinds, static)
	case *Input:
		if m.View != 0 {
			return arr(3, m.Seq, m.Ack, m.MoveX, m.MoveY, m.Aim, m.Buttons, m.View)
		}
		return arr(3, m.Seq, m.Ack, m.MoveX, m.MoveY, m.Aim, m.Buttons)
	case *Snapshot:
		created, changed, removed := []any{}, []any{}, []any{}
		for _, e := range m.Created {
			n := MaxFields
			for n > 0 && e.Fields[n-1] == 0 {
				n--
			}
			ent := []any{e.ID, e.Kind}
			for _, f := range e.Fields[:n] {
				ent = append(ent, f)
			}
			created = append(created, ent)
		}
		for _, c := range m.Changed {
			ch := []any{c.ID, c.Mask}
			for i, d := range c.Deltas {
				if c.Mask&(1<<i) != 0 {
					ch = append(ch, zigzag(int64(d)))
				}
			}
			changed = append(changed, ch)
		}
		for _, id := range m.Removed {
			removed = append(removed, id)
		}
		return arr(4, m.Tick, m.Base, m.LastSeq, created, changed, removed)
	case *Ping:
		return arr(5, m.ClientTime)
	case *Pong:
		return arr(6, m.ClientTime, m.ServerTick)
	case *Join:
		return arr(7, m.Player, m.Name)
	case *Leave:
		return arr(8, m.Player)
	case *Event:
		return arr(9, m.Tick, m.Kind, m.Actor, m.Target, m.Value, m.X, m.Y)
	case *MatchEnd:
		results := []any{}
		for _, r := range m.Results {
			results = append(results, []any{r.Player, r.Score, r.Deaths})
		}
		return arr(10, m.Tick, m.Reason, m.Winner, results)
	case *Queue:
		regions := []any{}
		for _, r := range m.Regions {
			regions = append(regions, []any{r.Region, r.RTTms})
		}
		return arr(11, m.Version, m.Mode, m.Skill, regions, m.Identity, m.Name, m.Party)
	case *Cancel:
		return arr(12)
	case *QueueStatus:
		return arr(13, m.Ticket, m.State, m.Position, m.ElapsedMs, m.EstimatedMs)
	case *Assigned:
		tokens := []any{}
		for _, t := range m.Tokens {
			tokens = append(tokens, []any{t.Player, t.Token})
		}
		return arr(14, m.HostURL, m.Match, tokens)
	case *QueueError:
		return arr(15, m.Code, m.Message)
	case *Bye:
		return arr(16, m.Code, m.Reason)
	}
	panic(fmt.Sprintf("no expected form for %T", m))
}

// genericSchema is the generic form of Welcome's and Watching's kinds and
// static description.
func genericSchema(ks []KindSchema, st Static) (kinds, static []any) {
	kinds = []any{}
	for _, k := range ks {
		fields := []any{}
		for _, f := range k.Fields {
			fields = append(fields, f)
		}
		kinds = append(kinds, []any{k.Name, fields})
	}
	rect := func(r Rect) []any { return []any{r.MinX, r.MinY, r.MaxX, r.MaxY} }
	walls, params := []any{}, []any{}
	for _, w := range st.Walls {
		walls = append(walls, rect(w))
	}
	for _, p := range st.Params {
		params = append(params, []any{p.Name, p.Value})
	}
	return kinds, []any{rect(st.Bounds), walls, params}
}

func TestInteropTheyDecodeOurs(t *testing.T) {
	for i, m := range sampleMessages() {
		b := m.Append(nil)
		var v any
		if err := msgpack.Unmarshal(b, &v); err != nil {
			t.Errorf("%d %T: vmihailenco cannot decode: %v", i, m, err)
			continue
		}
		if got, want := generic(v), expected(m); !reflect.DeepEqual(got, want) {
			t.Errorf("%d %T: vmihailenco reads\n%v\nwant\n%v", i, m, got, want)
		}
		// Our encoding is as small as theirs at their most compact.
		var buf bytes.Buffer
		enc := msgpack.NewEncoder(&buf)
		enc.UseCompactInts(true)
		if err := enc.Encode(expected(m)); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), b) {
			t.Errorf("%d %T: ours %x, compact vmihailenco %x", i, m, b[:min(len(b), 48)], buf.Bytes()[:min(buf.Len(), 48)])
		}
	}
}

// typed is like expected but keeps each field's Go type, which vmihailenco
// encodes at its fixed width by default (uint32 as 0xce..., int8 as 0xd0...).
func typed(m Message) []any {
	switch m := m.(type) {
	case *Hello:
		return []any{uint8(1), m.Version, m.Name, m.Resume, m.Identity}
	case *Welcome:
		kinds := []any{}
		for _, k := range m.Kinds {
			kinds = append(kinds, []any{k.Name, k.Fields})
		}
		rect := func(r Rect) []any { return []any{r.MinX, r.MinY, int64(r.MaxX), r.MaxY} } // int32 and int64 widths
		walls, params := []any{}, []any{}
		for _, w := range m.Static.Walls {
			walls = append(walls, rect(w))
		}
		for _, p := range m.Static.Params {
			params = append(params, []any{p.Name, p.Value})
		}
		static := []any{rect(m.Static.Bounds), walls, params}
		return []any{uint64(2), m.Version, m.Player, m.Match, m.TickRate, m.SnapshotRate, m.Resume, kinds, static}
	case *Input:
		if m.View != 0 {
			return []any{int16(3), m.Seq, m.Ack, m.MoveX, m.MoveY, m.Aim, m.Buttons, uint64(m.View)}
		}
		return []any{int16(3), m.Seq, m.Ack, m.MoveX, m.MoveY, m.Aim, m.Buttons}
	case *Snapshot:
		created, changed := []any{}, []any{}
		for _, e := range m.Created {
			ent := []any{e.ID, e.Kind}
			for _, f := range e.Fields { // all fields, zeros included
				ent = append(ent, int64(f))
			}
			created = append(created, ent)
		}
		for _, c := range m.Changed {
			ch := []any{uint64(c.ID), uint32(c.Mask)}
			for i, d := range c.Deltas {
				if c.Mask&(1<<i) != 0 {
					ch = append(ch, int64(zigzag(int64(d)))) // as a signed type
				}
			}
			changed = append(changed, ch)
		}
		removed := m.Removed
		if removed == nil {
			removed = []uint32{}
		}
		return []any{uint32(4), m.Tick, m.Base, m.LastSeq, created, changed, removed}
	case *Ping:
		return []any{int64(5), m.ClientTime}
	case *Pong:
		return []any{int32(6), m.ClientTime, int64(m.ServerTick)}
	case *Join:
		return []any{uint16(7), m.Player, m.Name}
	case *Leave:
		return []any{int8(8), uint64(m.Player)}
	case *Event:
		return []any{9, m.Tick, m.Kind, m.Actor, m.Target, m.Value, int64(m.X), int16(m.Y >> 16)}
	case *MatchEnd:
		results := []any{}
		for _, r := range m.Results {
			results = append(results, []any{r.Player, r.Score, int64(r.Deaths)})
		}
		return []any{uint8(10), m.Tick, m.Reason, m.Winner, results}
	case *Queue:
		regions := []any{}
		for _, r := range m.Regions {
			regions = append(regions, []any{r.Region, uint64(r.RTTms)})
		}
		return []any{uint32(11), m.Version, m.Mode, int64(m.Skill), regions, m.Identity, m.Name, m.Party}
	case *Cancel:
		return []any{int64(12)}
	case *QueueStatus:
		return []any{uint16(13), m.Ticket, m.State, uint64(m.Position), m.ElapsedMs, int64(m.EstimatedMs)}
	case *Assigned:
		tokens := []any{}
		for _, t := range m.Tokens {
			tokens = append(tokens, []any{t.Player, t.Token})
		}
		return []any{int8(14), m.HostURL, m.Match, tokens}
	case *QueueError:
		return []any{uint8(15), m.Code, m.Message}
	case *Bye:
		return []any{uint16(16), uint32(m.Code), m.Reason}
	case *Spectate:
		return []any{uint64(17), int64(m.Version), m.Match, m.Token}
	case *Watching:
		w := typed(&Welcome{Kinds: m.Kinds, Static: m.Static})
		return []any{int32(18), m.Version, m.Match, uint64(m.TickRate), m.SnapshotRate, int64(m.DelayMs), w[7], w[8]}
	}
	panic(fmt.Sprintf("no typed form for %T", m))
}

func TestInteropWeDecodeTheirs(t *testing.T) {
	for i, m := range sampleMessages() {
		if w, ok := m.(*Welcome); ok {
			for j := range w.Kinds {
				if w.Kinds[j].Fields == nil {
					w.Kinds[j].Fields = []string{} // vmihailenco writes a nil slice as nil
				}
			}
		}
		b, err := msgpack.Marshal(typed(m))
		if err != nil {
			t.Fatal(err)
		}
		if e, ok := m.(*Event); ok {
			e.Y = int32(int16(e.Y >> 16)) // what typed sent
		}
		got := newLike(m)
		if err := got.Decode(b); err != nil {
			t.Errorf("%d %T: decoding vmihailenco's %x: %v", i, m, b[:min(len(b), 48)], err)
			continue
		}
		if !sameMessage(got, m) {
			t.Errorf("%d %T: got %+v\nwant %+v", i, m, got, m)
		}
		if typ, err := PeekType(b); err != nil || typ != m.Type() {
			t.Errorf("%d %T: PeekType = %d, %v", i, m, typ, err)
		}
	}
}

// TestWideDeltaOnWire: a delta is the exact difference new-old, not one
// wrapped into int32, so a client that adds in 64-bit or float64 arithmetic
// (JavaScript) lands on the new value without wrapping.
func TestWideDeltaOnWire(t *testing.T) {
	counts, _ := NewFieldCounts([]KindSchema{{Fields: []string{"a", "b"}}})
	base := []Entity{{ID: 1, Fields: [MaxFields]int32{math.MinInt32, math.MaxInt32}}}
	cur := []Entity{{ID: 1, Fields: [MaxFields]int32{math.MaxInt32, math.MinInt32}}}
	var v []any
	if err := msgpack.Unmarshal(AppendSnapshot(nil, 2, 1, 0, base, cur, counts), &v); err != nil {
		t.Fatal(err)
	}
	changed := v[5].([]any)[0].([]any)
	for i, want := range []int64{math.MaxUint32, -math.MaxUint32} {
		z, ok := generic(changed[2+i]).(int64)
		if !ok || unzigzag(uint64(z)) != want {
			t.Errorf("field %d: wire delta %v, want zigzag(%d)", i, changed[2+i], want)
		}
	}
}
