package server

import (
	"fmt"
	"testing"
)

// TestReliableQueue checks order, the limit, and that a drained queue lets
// a burst's backing array go once bursts stop.
func TestReliableQueue(t *testing.T) {
	tests := []struct {
		name        string
		limit       int
		pushes      int
		pops        int
		wantRefused int
		wantLen     int
	}{
		{name: "empty", limit: 4},
		{name: "fifo", limit: 4, pushes: 3, pops: 2, wantLen: 1},
		{name: "full refuses", limit: 4, pushes: 6, wantRefused: 2, wantLen: 4},
		{name: "drained burst", limit: 100, pushes: 40, pops: 40},
		{name: "room after pops", limit: 3, pushes: 3, pops: 3, wantLen: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := reliableQueue{limit: tc.limit}
			refused := 0
			for i := range tc.pushes {
				if ok, _ := q.push([]byte(fmt.Sprint(i))); !ok {
					refused++
				}
			}
			for i := range tc.pops {
				msg, ok := q.pop()
				if !ok || string(msg) != fmt.Sprint(i) {
					t.Fatalf("pop %d: %q, %v", i, msg, ok)
				}
			}
			if refused != tc.wantRefused || q.len() != tc.wantLen {
				t.Fatalf("refused %d, len %d; want %d, %d", refused, q.len(), tc.wantRefused, tc.wantLen)
			}
			if q.len() == 0 {
				// Quiet rounds after the burst let the burst's room go.
				for range shrinkAfter {
					q.push([]byte("a"))
					q.push([]byte("b"))
					q.drain(nil)
				}
				if cap(q.msgs) > shrinkAbove {
					t.Errorf("a drained queue keeps %d slots after quiet rounds", cap(q.msgs))
				}
			}
		})
	}
}

// TestReliableQueueInterleaved keeps a queue near its limit while popping,
// so the front is reused and order holds across it.
func TestReliableQueueInterleaved(t *testing.T) {
	q := reliableQueue{limit: 5}
	next, want := 0, 0
	for round := range 50 {
		for q.len() < 5 {
			if ok, _ := q.push([]byte(fmt.Sprint(next))); !ok {
				t.Fatal("refused below the limit")
			}
			next++
		}
		for range 1 + round%4 {
			msg, ok := q.pop()
			if !ok || string(msg) != fmt.Sprint(want) {
				t.Fatalf("round %d: popped %q, want %d", round, msg, want)
			}
			want++
		}
	}
	if ok, _ := q.push(nil); q.len() < 5 && !ok {
		t.Fatal("a nil close order must queue like any message")
	}
}

// TestReliableQueueKeepsItsUsualRoom: a queue that fills to the same size
// between every drain (a big match's events) keeps its backing array
// rather than growing it anew each time.
func TestReliableQueueKeepsItsUsualRoom(t *testing.T) {
	q := reliableQueue{limit: 200}
	msgs := make([][]byte, 60)
	var out [][]byte
	fill := func() {
		if ok, _ := q.pushAll(msgs); !ok {
			t.Fatal("refused below the limit")
		}
		out = q.drain(out[:0])
	}
	fill()
	if allocs := testing.AllocsPerRun(100, fill); allocs > 0 {
		t.Errorf("a steady round allocates %.1f times, want 0", allocs)
	}
}
