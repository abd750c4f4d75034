package clientnet

import "testing"

func TestLookupField(t *testing.T) {
	for _, c := range []struct {
		kind, field string
		k           uint8
		f           int
		ok          bool
	}{
		{"player", "x", 0, 0, true},
		{"player", "score", 0, 4, true},
		{"bullet", "owner", 1, 4, true},
		{"player", "nope", 0, -1, false},
		{"nope", "x", 0, -1, false},
	} {
		k, f, ok := LookupField(testKinds, c.kind, c.field)
		if k != c.k || f != c.f || ok != c.ok {
			t.Errorf("LookupField(%q, %q) = %d, %d, %v; want %d, %d, %v", c.kind, c.field, k, f, ok, c.k, c.f, c.ok)
		}
	}
}
