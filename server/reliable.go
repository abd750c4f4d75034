package server

import "sync"

// reliableQueue is a session's queue of encoded messages that must all
// arrive, in order: events, joins, leaves, its Welcome, Pongs. A nil
// message is the order to close once everything before it is written. It
// holds at most limit messages; its backing array grows with bursts (a
// joining player's roster) and is let go once drained, so a session that
// gets a few events per snapshot holds a few slots, not limit.
type reliableQueue struct {
	mu    sync.Mutex
	msgs  [][]byte
	head  int
	limit int
}

// shrinkAbove is the capacity kept by a drained queue.
const shrinkAbove = 8

// push appends msg; false means the queue is full.
func (q *reliableQueue) push(msg []byte) (ok bool, n int) {
	q.mu.Lock()
	defer q.mu.Unlock()
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
		q.head = 0
		if cap(q.msgs) > shrinkAbove {
			q.msgs = nil
		} else {
			q.msgs = q.msgs[:0]
		}
	}
	return msg, true
}

// len returns how many messages wait.
func (q *reliableQueue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.msgs) - q.head
}
