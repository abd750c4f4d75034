package record

import (
	"testing"
	"time"
)

// TestParseName: a listing reads the match and its start back from the
// names fileName writes, and nothing from other names.
func TestParseName(t *testing.T) {
	start := time.Date(2026, 12, 4, 13, 5, 7, 250e6, time.UTC)
	for _, tc := range []struct {
		name, match string
		ok          bool
	}{
		{fileName("m_0123abcd", start), "m_0123abcd", true},
		{fileName("a/b:c", start), "a_b_c", true},
		{fileName("x-y-z", start.In(time.FixedZone("CET", 3600))), "x-y-z", true},
		{"m1.skrec", "", false},
		{"m1-20261204T130507.250Z.txt", "", false},
		{"-20261204T130507.250Z.skrec", "", false},
		{"m1_20261204T130507.250Z.skrec", "", false},
		{"m1-20261304T130507.250Z.skrec", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id, at, ok := parseName(tc.name)
			if ok != tc.ok || id != tc.match || (ok && !at.Equal(start)) {
				t.Fatalf("parseName(%q) = %q, %v, %v; want %q, %v, %v", tc.name, id, at, ok, tc.match, start, tc.ok)
			}
		})
	}
}
