package protocol

import "fmt"

// Apply applies s to base, the view at tick s.Base (ignored when s.Base is
// 0), appending the resulting view, sorted by ID, to dst[:0]. dst must not
// share memory with base. It fails with ErrMalformed when s does not fit
// base: a changed or removed ID base lacks, a created ID base has, or IDs out
// of order.
//
// Entities created by a decoded snapshot have X and Y zero, since they are
// not sent, and keep them through later deltas. An ID both removed and
// created is an entity that changed kind. Apply allocates nothing when dst
// has the capacity. Checking that s.Base is the tick of base is the
// caller's business: Apply cannot know it.
func Apply(dst, base []Entity, s *Snapshot) ([]Entity, error) {
	if s.Base == 0 {
		base = nil
	}
	if err := checkOrder(s); err != nil {
		return dst[:0], err
	}
	dst = dst[:0]
	created, changed, removed := s.Created, s.Changed, s.Removed
	for i := range base {
		old := &base[i]
		id := old.ID
		for len(created) > 0 && created[0].ID < id {
			dst = append(dst, created[0])
			created = created[1:]
		}
		if len(changed) > 0 && changed[0].ID < id {
			return dst[:0], missing("changes", changed[0].ID)
		}
		if len(removed) > 0 && removed[0] < id {
			return dst[:0], missing("removes", removed[0])
		}
		gone := len(removed) > 0 && removed[0] == id
		if gone {
			removed = removed[1:]
		}
		recreated := len(created) > 0 && created[0].ID == id
		if recreated && !gone {
			return dst[:0], fmt.Errorf("%w: snapshot creates entity %d the baseline already has", ErrMalformed, id)
		}
		switch {
		case len(changed) > 0 && changed[0].ID == id:
			if gone {
				return dst[:0], fmt.Errorf("%w: snapshot both changes and removes entity %d", ErrMalformed, id)
			}
			dst = append(dst, *old)
			e, c := &dst[len(dst)-1].Fields, &changed[0]
			for f := range e {
				// Branch-free: the delta of a field outside the mask is
				// masked to 0. Sums wrap, landing exactly on the new value.
				e[f] += c.Deltas[f] & -int32(c.Mask>>f&1)
			}
			changed = changed[1:]
		case recreated: // a new kind under the same ID
			dst = append(dst, created[0])
			created = created[1:]
		case !gone:
			dst = append(dst, *old)
		}
	}
	if len(changed) > 0 {
		return dst[:0], missing("changes", changed[0].ID)
	}
	if len(removed) > 0 {
		return dst[:0], missing("removes", removed[0])
	}
	return append(dst, created...), nil
}

func missing(verb string, id uint32) error {
	return fmt.Errorf("%w: snapshot %s entity %d the baseline lacks", ErrMalformed, verb, id)
}

// checkOrder checks that each section of s lists strictly increasing IDs,
// which the merge in Apply relies on, and that masks name real fields.
func checkOrder(s *Snapshot) error {
	for i := 1; i < len(s.Created); i++ {
		if s.Created[i].ID <= s.Created[i-1].ID {
			return unordered("created", s.Created[i].ID)
		}
	}
	for i := range s.Changed {
		if i > 0 && s.Changed[i].ID <= s.Changed[i-1].ID {
			return unordered("changed", s.Changed[i].ID)
		}
		if uint(s.Changed[i].Mask)>>MaxFields != 0 {
			return fmt.Errorf("%w: snapshot changes field %d of entity %d", ErrMalformed, MaxFields, s.Changed[i].ID)
		}
	}
	for i := 1; i < len(s.Removed); i++ {
		if s.Removed[i] <= s.Removed[i-1] {
			return unordered("removed", s.Removed[i])
		}
	}
	return nil
}

func unordered(section string, id uint32) error {
	return fmt.Errorf("%w: %s IDs not strictly increasing at %d", ErrMalformed, section, id)
}
