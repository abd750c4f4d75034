package server

import "sync"

// reliableQueue is a session's queue of encoded messages that must all
// arrive, in order: events, joins, leaves, its Welcome, Pongs. A nil
// message is the order to close once everything before it is written. It
// holds at most limit messages. Its backing array fits what usually waits
// between two snapshots: it grows with bursts (a joining player's roster)
// and is let go once drained when it is much larger than what waited, so a
// session that gets a few events per snapshot holds a few slots, not limit.
type reliableQueue struct {
	mu    sync.Mutex
	msgs  [][]byte
	head  int
	limit int
	peak  int // most messages waiting since the queue was last empty
	// oversized counts drains in a row that left far more room than
	// waited; after shrinkAfter of them the room is let go.
	oversized int
}

// shrinkAfter is how many drains in a row must find the queue oversized
// before its room is let go: a few seconds' worth of snapshots, so a
// queue sized for a busy match does not regrow at every quiet moment.
const shrinkAfter = 64

// shrinkAbove is the capacity a drained queue always keeps.
const shrinkAbove = 8

// push appends msg; false means the queue is full.
func (q *reliableQueue) push(msg []byte) (ok bool, n int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.pushLocked(msg)
}

// pushAll appends msgs in order, as far as the limit allows; ok false
// means some did not fit. One lock for a tick's events.
func (q *reliableQueue) pushAll(msgs [][]byte) (ok bool, n int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	n = len(q.msgs) - q.head
	for _, m := range msgs {
		if ok, n = q.pushLocked(m); !ok {
			return false, n
		}
	}
	return true, n
}

func (q *reliableQueue) pushLocked(msg []byte) (ok bool, n int) {
	n = len(q.msgs) - q.head
	if n >= q.limit {
		return false, n
	}
	if q.head > 0 && len(q.msgs) == cap(q.msgs) {
		// Reuse the drained front before growing.
		q.msgs = q.msgs[:copy(q.msgs, q.msgs[q.head:])]
		clear(q.msgs[n:cap(q.msgs)])
		q.head = 0
	}
	q.msgs = append(q.msgs, msg)
	q.peak = max(q.peak, n+1)
	return true, n + 1
}

// pop takes the oldest message; ok false means the queue is empty.
func (q *reliableQueue) pop() (msg []byte, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.head == len(q.msgs) {
		return nil, false
	}
	msg = q.msgs[q.head]
	q.msgs[q.head] = nil
	q.head++
	if q.head == len(q.msgs) {
		q.emptied()
	}
	return msg, true
}

// drain appends every waiting message to dst, oldest first, and empties
// the queue: one lock for a sender's whole run.
func (q *reliableQueue) drain(dst [][]byte) [][]byte {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.head == len(q.msgs) {
		return dst
	}
	dst = append(dst, q.msgs[q.head:]...)
	clear(q.msgs[q.head:])
	q.emptied()
	return dst
}

// emptied resets an emptied queue, letting go of room that has been far
// more than what waited for a while. q.mu is held.
func (q *reliableQueue) emptied() {
	q.head = 0
	q.msgs = q.msgs[:0]
	if cap(q.msgs) > max(shrinkAbove, 2*q.peak) {
		q.oversized++
		if q.oversized >= shrinkAfter {
			q.msgs, q.oversized = nil, 0
		}
	} else {
		q.oversized = 0
	}
	q.peak = 0
}

// len returns how many messages wait.
func (q *reliableQueue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.msgs) - q.head
}
