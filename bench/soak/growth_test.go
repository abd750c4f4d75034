package soak

import (
	"strings"
	"testing"
)

func TestGrowth(t *testing.T) {
	base := Sample{Goroutines: 1000, FDs: 600, HeapBytes: 100 << 20, RSSBytes: 200 << 20}
	for _, tc := range []struct {
		name string
		end  func(s *Sample)
		want string // a problem naming this, "" for none
	}{
		{"flat", func(s *Sample) {}, ""},
		{"within the bounds", func(s *Sample) { s.Goroutines = 1100; s.FDs = 650; s.HeapBytes = 125 << 20; s.RSSBytes = 240 << 20 }, ""},
		{"shrunk", func(s *Sample) { s.Goroutines = 10; s.FDs = 10 }, ""},
		{"goroutine leak", func(s *Sample) { s.Goroutines = 1200 }, "goroutines"},
		{"descriptor leak", func(s *Sample) { s.FDs = 700 }, "open descriptors"},
		{"heap growth", func(s *Sample) { s.HeapBytes = 140 << 20 }, "heap in use"},
		{"RSS growth", func(s *Sample) { s.RSSBytes = 270 << 20 }, "resident memory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			end := base
			tc.end(&end)
			r := &Result{Samples: []Sample{{}, base, end}, Baseline: 1}
			problems := r.growth()
			switch {
			case tc.want == "" && len(problems) > 0:
				t.Fatalf("problems %q, want none", problems)
			case tc.want != "" && (len(problems) != 1 || !strings.Contains(problems[0], tc.want)):
				t.Fatalf("problems %q, want one about %s", problems, tc.want)
			}
		})
	}
	if p := (&Result{Baseline: -1}).growth(); len(p) == 0 {
		t.Fatal("a run without samples passed")
	}
}
