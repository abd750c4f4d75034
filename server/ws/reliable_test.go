package ws

import (
	"fmt"
	"testing"
)

// TestReliableQueue checks order and the limit, and that room grown for a
// burst is let go once bursts stop.
func TestReliableQueue(t *testing.T) {
	tests := []struct {
		name        string
		limit       int
		pushes      int
		wantRefused int
	}{
		{name: "empty", limit: 4},
		{name: "fifo", limit: 4, pushes: 3},
		{name: "full refuses", limit: 4, pushes: 6, wantRefused: 2},
		{name: "burst", limit: 100, pushes: 40},
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
			got := q.drain(nil)
			if refused != tc.wantRefused || len(got) != tc.pushes-tc.wantRefused {
				t.Fatalf("refused %d, drained %d; want %d, %d", refused, len(got), tc.wantRefused, tc.pushes-tc.wantRefused)
			}
			for i, msg := range got {
				if string(msg) != fmt.Sprint(i) {
					t.Fatalf("message %d is %q: out of order", i, msg)
				}
			}
			if again := q.drain(nil); len(again) != 0 {
				t.Fatalf("a drained queue still holds %d", len(again))
			}
			// Quiet rounds after the burst let the burst's room go.
			for range shrinkAfter {
				q.push([]byte("a"))
				q.push([]byte("b"))
				q.drain(nil)
			}
			if cap(q.msgs) > shrinkAbove {
				t.Errorf("a drained queue keeps %d slots after quiet rounds", cap(q.msgs))
			}
		})
	}
}

// TestReliableQueueRefillsAfterDrain keeps a queue at its limit across
// drains: a drain makes room for exactly limit more, in order, and a nil
// close order queues like any message.
func TestReliableQueueRefillsAfterDrain(t *testing.T) {
	q := reliableQueue{limit: 5}
	next, want := 0, 0
	for round := range 20 {
		for range 5 {
			if ok, n := q.push([]byte(fmt.Sprint(next))); !ok || n > 5 {
				t.Fatalf("round %d: refused below the limit (%d waiting)", round, n)
			}
			next++
		}
		if ok, _ := q.push([]byte("over")); ok {
			t.Fatalf("round %d: took a sixth message", round)
		}
		for _, msg := range q.drain(nil) {
			if string(msg) != fmt.Sprint(want) {
				t.Fatalf("round %d: drained %q, want %d", round, msg, want)
			}
			want++
		}
	}
	if ok, _ := q.push(nil); !ok || len(q.drain(nil)) != 1 {
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
