package ws

import "sync"

// reliableQueue is a session's queue of encoded messages that must all
// arrive, in order: events, joins, leaves, its Welcome, Pongs. A nil
// message is the order to close once everything before it is written. It
// holds at most limit messages; a sender takes them all at once. Its
// backing array fits what usually waits between two snapshots: it grows
// with bursts (a joining player's roster) and is let go once it has stayed
// much larger than what waited, so a session that gets a few events per
// snapshot holds a few slots, not limit.
type reliableQueue struct {
	mu    sync.Mutex
	msgs  [][]byte
	limit int
	peak  int // most messages waiting since the last drain
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

// push appends msg; ok false means the queue is full. n is how many
// messages wait.
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
	n = len(q.msgs)
	for _, m := range msgs {
		if ok, n = q.pushLocked(m); !ok {
			return false, n
		}
	}
	return true, n
}

func (q *reliableQueue) pushLocked(msg []byte) (ok bool, n int) {
	// The close marker (nil) always fits: a close after the queue must
	// never be lost to a full one.
	if len(q.msgs) >= q.limit && msg != nil {
		return false, len(q.msgs)
	}
	q.msgs = append(q.msgs, msg)
	q.peak = max(q.peak, len(q.msgs))
	return true, len(q.msgs)
}

// drain appends every waiting message to dst, oldest first, and empties
// the queue, letting go of room that has been far more than what waited
// for a while.
func (q *reliableQueue) drain(dst [][]byte) [][]byte {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.msgs) == 0 {
		return dst
	}
	dst = append(dst, q.msgs...)
	clear(q.msgs)
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
	return dst
}

// pushFinal appends a connection's last messages (a Bye and the close
// marker) whatever the limit: a close must never be lost to a full queue.
func (q *reliableQueue) pushFinal(msgs ...[]byte) {
	q.mu.Lock()
	q.msgs = append(q.msgs, msgs...)
	q.peak = max(q.peak, len(q.msgs))
	q.mu.Unlock()
}
