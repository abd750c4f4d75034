package clientnet

import (
	"sync"
	"time"
)

// rttRingSize is how many sent inputs the round-trip table remembers; an
// input acknowledged after this many newer ones were sent yields no sample.
// A power of two, so indexing is a mask.
const rttRingSize = 256

// rttRing remembers when recent inputs were sent, indexed by sequence
// number, so acknowledgements can be turned into round-trip samples without
// allocating. The sender records and the reader takes, so it is locked.
type rttRing struct {
	mu    sync.Mutex
	slots [rttRingSize]rttSlot
	acked uint32 // highest sequence number acknowledged so far; reader-owned
}

type rttSlot struct {
	seq uint32 // 0: empty
	at  time.Duration
}

// sent records that input seq (> 0) left at time at.
func (r *rttRing) sent(seq uint32, at time.Duration) {
	r.mu.Lock()
	r.slots[seq&(rttRingSize-1)] = rttSlot{seq: seq, at: at}
	r.mu.Unlock()
}

// take returns and forgets when input seq was sent; ok is false when it is
// not in the table (never sent, already taken, or overwritten).
func (r *rttRing) take(seq uint32) (at time.Duration, ok bool) {
	r.mu.Lock()
	s := &r.slots[seq&(rttRingSize-1)]
	if s.seq == seq && seq != 0 {
		at, ok = s.at, true
		s.seq = 0
	}
	r.mu.Unlock()
	return at, ok
}

// ack advances the acknowledged sequence number to lastSeq and calls fn
// with the round trip of every input it newly acknowledges, oldest first.
// Inputs too old for the table are skipped.
func (r *rttRing) ack(lastSeq uint32, now time.Duration, fn func(seq uint32, rtt time.Duration)) {
	if lastSeq <= r.acked {
		return
	}
	from := r.acked + 1
	if lastSeq-r.acked > rttRingSize {
		from = lastSeq - rttRingSize + 1
	}
	r.acked = lastSeq
	for seq := from; seq <= lastSeq && seq != 0; seq++ {
		if at, ok := r.take(seq); ok {
			fn(seq, max(now-at, 0))
		}
	}
}
