package protocol

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"slices"
)

// Snapshot: [4, tick, base, lastSeq, created, changed, removed] where
//
//	created = [[id, kind, f0, ..., f(n-1)], ...]
//	changed = [[id, mask, zigzag(d), ...], ...]
//	removed = [id, ...]
//
// each section sorted by ID ascending. A created entity lists its kind's
// fields (decoders take 0 to MaxFields; missing ones are 0). A changed
// entity's mask has bit i set when field i changed, followed by the
// zigzag-encoded difference new-old of each changed field in increasing
// field order.

// maxZigzag is the zigzag form of the widest delta, ±(2³²-1): the exact
// difference of two int32s.
const maxZigzag = 2 * math.MaxUint32

var errDelta = fmt.Errorf("%w: field delta beyond ±(2³²-1)", ErrMalformed)

// Append encodes s. A created entity is sent with its fields up to its last
// non-zero one, which decodes to the same value. AppendSnapshot is the
// server's encoder; Append serves tests, tools and proxies re-encoding a
// decoded snapshot.
func (s *Snapshot) Append(b []byte) []byte {
	b = header(b, MsgSnapshot, 7)
	b = appendUint(b, uint64(s.Tick))
	b = appendUint(b, uint64(s.Base))
	b = appendUint(b, uint64(s.LastSeq))
	b = appendArray(b, len(s.Created))
	for i := range s.Created {
		e := &s.Created[i]
		n := MaxFields
		for n > 0 && e.Fields[n-1] == 0 {
			n--
		}
		b = appendEntity(b, e, n)
	}
	b = appendArray(b, len(s.Changed))
	for i := range s.Changed {
		c := &s.Changed[i]
		b = appendArray(b, 2+bits.OnesCount8(c.Mask))
		b = appendUint(b, uint64(c.ID))
		b = appendUint(b, uint64(c.Mask))
		for m := c.Mask; m != 0; m &= m - 1 {
			b = appendUint(b, zigzag(int64(c.Deltas[bits.TrailingZeros8(m)])))
		}
	}
	b = appendArray(b, len(s.Removed))
	for _, id := range s.Removed {
		b = appendUint(b, uint64(id))
	}
	return b
}

// Decode decodes a snapshot into s, reusing the capacity of its slices: once
// they have grown to the largest snapshot seen, decoding allocates nothing.
// Created entities come out with X and Y zero (they are not sent) and fields
// beyond those sent zero. Decode checks the encoding only; Apply checks that
// the snapshot fits a baseline.
func (s *Snapshot) Decode(b []byte) error {
	var r reader
	r.message(b, MsgSnapshot, 7)
	s.Tick = r.u32()
	s.Base = r.u32()
	s.LastSeq = r.u32()

	s.Created = resize(s.Created, r.array(MaxEntities))
	for i := range s.Created {
		n := r.arrayHeader() - 2
		if n < 0 || n > MaxFields {
			if n < 0 {
				r.fail(errCount)
			} else {
				r.fail(errFields)
			}
			n = 0
		}
		e := &s.Created[i]
		*e = Entity{ID: r.u32(), Kind: r.u8()}
		for j := range n {
			e.Fields[j] = r.i32()
		}
	}

	s.Changed = resize(s.Changed, r.array(MaxEntities))
	for i := range s.Changed {
		n := r.arrayHeader() - 2
		c := &s.Changed[i]
		*c = Changed{ID: r.u32(), Mask: r.u8()}
		if n != bits.OnesCount8(c.Mask) {
			r.fail(errCount)
		}
		for m := c.Mask; m != 0; m &= m - 1 {
			var u uint64
			if len(r.B) > 0 && r.B[0] < 0x80 { // the usual small delta, inline
				u, r.B = uint64(r.B[0]), r.B[1:]
			} else {
				u = r.u64()
			}
			if u > maxZigzag {
				r.fail(errDelta)
			}
			// Deltas wrap into int32: old+delta in int32 arithmetic is
			// still exactly the new value.
			c.Deltas[bits.TrailingZeros8(m)] = int32(unzigzag(u))
		}
	}

	s.Removed = resize(s.Removed, r.array(MaxEntities))
	for i := range s.Removed {
		s.Removed[i] = r.u32()
	}
	return r.done()
}

// AppendSnapshot appends to b the snapshot message that turns base into cur.
// base and cur are sorted by ID ascending. A nil base encodes a full
// snapshot (Base 0); otherwise baseTick is the tick of base. It allocates
// nothing beyond growing b.
//
// Only the first counts[kind] fields of an entity are sent or compared, and
// X and Y never are. An entity whose kind differs between base and cur is
// sent as removed and created again. Tick 0 cannot serve as a baseline (Base
// 0 means full), so a baseTick of 0 also encodes a full snapshot. Sections
// over MaxEntities entries are encoded but decoders reject them.
func AppendSnapshot(b []byte, tick, baseTick, lastSeq uint32, base, cur []Entity, counts *FieldCounts) []byte {
	if baseTick == 0 {
		base = nil
	}
	if base == nil {
		baseTick = 0
	}
	b = AppendSnapshotHeader(b, tick, baseTick, lastSeq)
	return AppendSnapshotBody(b, base, cur, counts)
}

// AppendSnapshotHeader appends the part of a snapshot message that names
// it: its tick, its baseline's (0: full) and the client's last input. The
// body that follows (AppendSnapshotBody) depends only on the two entity
// lists, so peers sent the same delta can share one encoded body and each
// get a header of its own. baseTick must be 0 exactly when the body was
// encoded from a nil base.
func AppendSnapshotHeader(b []byte, tick, baseTick, lastSeq uint32) []byte {
	b = header(b, MsgSnapshot, 7)
	b = appendUint(b, uint64(tick))
	b = appendUint(b, uint64(baseTick))
	return appendUint(b, uint64(lastSeq))
}

// AppendSnapshotBody appends the sections of the snapshot that turns base
// into cur (nil base: a full snapshot), as AppendSnapshot does after its
// header.
func AppendSnapshotBody(b []byte, base, cur []Entity, counts *FieldCounts) []byte {
	// Three merge-joins of base and cur, one per section, since each section
	// is one contiguous array.
	b, kept := appendCreated(b, base, cur, counts)
	b = appendChanged(b, base, cur, counts)
	if kept == len(base) {
		return append(b, mpFixArray) // nothing removed: skip the third pass
	}
	return appendRemoved(b, base, cur)
}

// fieldCount is the number of fields sent for kind, clamped so that a
// hand-made FieldCounts cannot index past Fields.
func fieldCount(counts *FieldCounts, kind uint8) int {
	return min(int(counts[kind]), MaxFields)
}

// The section writers reserve room for a whole entry, then store into it by
// index: much faster than a chain of appends, each checking capacity and
// passing the slice around.

// maxEntry bounds the encoding of one section entry: its array header, a
// uint32 ID, a kind or mask, and MaxFields values of at most 9 bytes each.
const maxEntry = 1 + 5 + 2 + 9*MaxFields

// reserve returns b with room for one entry beyond its length.
func reserve(b []byte) []byte {
	if cap(b)-len(b) < maxEntry {
		b = slices.Grow(b, maxEntry)
	}
	return b
}

// putUint stores v in its smallest form at p[0:], returning its length.
// The 1-byte case, by far the most common in deltas, inlines.
func putUint(p []byte, v uint64) int {
	if v < 0x80 {
		p[0] = byte(v)
		return 1
	}
	return putUintSlow(p, v)
}

func putUintSlow(p []byte, v uint64) int {
	switch {
	case v <= 0xff:
		_ = p[1]
		p[0], p[1] = mpUint8, byte(v)
		return 2
	case v <= 0xffff:
		_ = p[2]
		p[0] = mpUint16
		binary.BigEndian.PutUint16(p[1:], uint16(v))
		return 3
	case v <= 0xffffffff:
		_ = p[4]
		p[0] = mpUint32
		binary.BigEndian.PutUint32(p[1:], uint32(v))
		return 5
	}
	_ = p[8]
	p[0] = mpUint64
	binary.BigEndian.PutUint64(p[1:], v)
	return 9
}

// putInt stores v in its smallest form at p[0:], returning its length.
func putInt(p []byte, v int64) int {
	if v >= 0 {
		return putUint(p, uint64(v))
	}
	switch {
	case v >= -32:
		p[0] = byte(v)
		return 1
	case v >= -1<<7:
		_ = p[1]
		p[0], p[1] = mpInt8, byte(v)
		return 2
	case v >= -1<<15:
		_ = p[2]
		p[0] = mpInt16
		binary.BigEndian.PutUint16(p[1:], uint16(v))
		return 3
	case v >= -1<<31:
		_ = p[4]
		p[0] = mpInt32
		binary.BigEndian.PutUint32(p[1:], uint32(v))
		return 5
	}
	_ = p[8]
	p[0] = mpInt64
	binary.BigEndian.PutUint64(p[1:], uint64(v))
	return 9
}

// appendEntity appends e with its first n fields.
func appendEntity(b []byte, e *Entity, n int) []byte {
	b = reserve(b)
	p := b[len(b) : len(b)+maxEntry]
	p[0] = mpFixArray | byte(2+n) // at most 10 elements
	k := 1 + putUint(p[1:], uint64(e.ID))
	k += putUint(p[k:], uint64(e.Kind))
	for _, f := range e.Fields[:n] {
		k += putInt(p[k:], int64(f))
	}
	return b[:len(b)+k]
}

// The three section writers each merge-join base and cur by ID; an entity
// whose kind differs counts as removed and created again.

// appendCreated writes the entities of cur that base lacks, or has with
// another kind. It also counts the entities kept, in both with one kind.
func appendCreated(b []byte, base, cur []Entity, counts *FieldCounts) (_ []byte, kept int) {
	b, start := beginArray(b)
	n, i, j := 0, 0, 0
	for i < len(cur) {
		e := &cur[i]
		if j < len(base) && base[j].ID <= e.ID {
			if base[j].ID == e.ID && base[j].Kind == e.Kind {
				kept++
				i++
			}
			j++
			continue
		}
		b = appendEntity(b, e, fieldCount(counts, e.Kind))
		n++
		i++
	}
	return endArray(b, start, n), kept
}

// appendChanged writes the deltas of the entities in both base and cur,
// with the same kind, whose sent fields differ.
func appendChanged(b []byte, base, cur []Entity, counts *FieldCounts) []byte {
	b, start := beginArray(b)
	n, i, j := 0, 0, 0
	for i < len(cur) && j < len(base) {
		e, old := &cur[i], &base[j]
		if e.ID != old.ID {
			if e.ID < old.ID {
				i++
			} else {
				j++
			}
			continue
		}
		i++
		j++
		if e.Kind != old.Kind {
			continue
		}
		mask := diffMask(&e.Fields, &old.Fields) & (1<<fieldCount(counts, e.Kind) - 1)
		if mask == 0 {
			continue
		}
		b = reserve(b)
		p := b[len(b) : len(b)+maxEntry]
		p[0] = mpFixArray | byte(2+bits.OnesCount(mask)) // at most 10 elements
		k := 1 + putUint(p[1:], uint64(e.ID))
		k += putUint(p[k:], uint64(mask))
		for m := mask; m != 0; m &= m - 1 {
			f := bits.TrailingZeros(m)
			k += putUint(p[k:], zigzag(int64(e.Fields[f])-int64(old.Fields[f])))
		}
		b = b[:len(b)+k]
		n++
	}
	return endArray(b, start, n)
}

// diffMask has bit i set when a[i] != b[i]; straight-line code, as which
// fields change is unpredictable.
func diffMask(a, b *[MaxFields]int32) uint {
	return ne(a[0], b[0]) | ne(a[1], b[1])<<1 | ne(a[2], b[2])<<2 | ne(a[3], b[3])<<3 |
		ne(a[4], b[4])<<4 | ne(a[5], b[5])<<5 | ne(a[6], b[6])<<6 | ne(a[7], b[7])<<7
}

func ne(a, b int32) uint {
	if a != b {
		return 1
	}
	return 0
}

// appendRemoved writes the IDs of the entities of base that cur lacks, or
// has with another kind.
func appendRemoved(b []byte, base, cur []Entity) []byte {
	b, start := beginArray(b)
	n, i, j := 0, 0, 0
	for j < len(base) {
		old := &base[j]
		if i < len(cur) && cur[i].ID <= old.ID {
			if cur[i].ID == old.ID && cur[i].Kind == old.Kind {
				j++
			}
			i++
			continue
		}
		b = reserve(b)
		b = b[:len(b)+putUint(b[len(b):len(b)+maxEntry], uint64(old.ID))]
		n++
		j++
	}
	return endArray(b, start, n)
}
