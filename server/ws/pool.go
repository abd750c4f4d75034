package ws

import (
	"runtime"
	"sync"

	"github.com/skirmishgg/skirmish/server/match"
)

// senderPool is a server's few writer goroutines, shared by every session.
// A session with something to write (a snapshot in its mailbox, a reliable
// message) is queued once; a sender takes it, encodes what the client
// lacks and writes it without waiting on the network: a write the kernel
// cannot take at once goes on in a goroutine of its own, for that slow
// client only. So a connected player costs no goroutine of its own for
// writing, and a snapshot tick wakes a few senders rather than one
// goroutine per player.
type senderPool struct {
	workers int

	mu         sync.Mutex
	head, tail *session // queued sessions, linked through session.nextQueued
	wake       chan struct{}
	stop       chan struct{}
	start      sync.Once
	stopOnce   sync.Once
	wg         sync.WaitGroup // the senders
	async      sync.WaitGroup // writes finished off the senders, close handshakes
}

func newSenderPool(workers int) *senderPool {
	if workers <= 0 {
		workers = max(2, runtime.GOMAXPROCS(0))
	}
	return &senderPool{
		workers: workers,
		wake:    make(chan struct{}, workers),
		stop:    make(chan struct{}),
	}
}

// push queues a session that schedule said needs a sender, and wakes a
// sender. It never blocks: the queue is an intrusive list and each session
// is in it at most once. Any goroutine.
func (p *senderPool) push(s *session) {
	p.start.Do(p.run)
	p.mu.Lock()
	p.appendLocked(s)
	p.mu.Unlock()
	p.wakeUp(1)
}

func (p *senderPool) appendLocked(s *session) {
	s.nextQueued = nil
	if p.tail == nil {
		p.head = s
	} else {
		p.tail.nextQueued = s
	}
	p.tail = s
}

// wakeUp wakes as many senders as there are n sessions of work for.
func (p *senderPool) wakeUp(n int) {
	for range min(n, p.workers) {
		select {
		case p.wake <- struct{}{}:
		default:
			return // every sender is awake already, or about to be
		}
	}
}

// Dispatch queues a snapshot tick's sessions: the match's Dispatcher.
// Tick only.
func (p *senderPool) Dispatch(peers []match.Peer) {
	if len(peers) == 0 {
		return
	}
	p.start.Do(p.run)
	p.mu.Lock()
	for _, peer := range peers {
		p.appendLocked(peer.(*session))
	}
	p.mu.Unlock()
	p.wakeUp(len(peers))
}

// dispatchSessions is Dispatch for sessions the adapter scheduled itself
// (a frame's spectators). Tick only.
func (p *senderPool) dispatchSessions(sessions []*session) {
	if len(sessions) == 0 {
		return
	}
	p.start.Do(p.run)
	p.mu.Lock()
	for _, s := range sessions {
		p.appendLocked(s)
	}
	p.mu.Unlock()
	p.wakeUp(len(sessions))
}

// popBatch is how many queued sessions a sender takes at once: one lock
// of the shared queue per few runs rather than per run, while a burst
// (a match's snapshot is 16 sessions) still spreads over the senders.
const popBatch = 8

// pop appends up to popBatch queued sessions to dst, in queue order.
func (p *senderPool) pop(dst []*session) []*session {
	p.mu.Lock()
	defer p.mu.Unlock()
	for s := p.head; s != nil && len(dst) < popBatch; s = p.head {
		p.head = s.nextQueued
		if p.head == nil {
			p.tail = nil
		}
		s.nextQueued = nil
		dst = append(dst, s)
	}
	return dst
}

// run starts the senders; they live until close.
func (p *senderPool) run() {
	p.wg.Add(p.workers)
	for range p.workers {
		go p.sender()
	}
}

func (p *senderPool) sender() {
	defer p.wg.Done()
	w := &senderScratch{}
	for {
		// A sender sleeps only after finding the queue empty; a push
		// after that finds room for its wake-up in the channel.
		for batch := p.pop(w.batch[:0]); len(batch) > 0; batch = p.pop(w.batch[:0]) {
			w.batch = batch
			for i, s := range batch {
				s.runSender(w)
				batch[i] = nil
			}
			// A burst of runs never blocks, so without this the Go
			// scheduler would not look at this P's timers, the match
			// loops' among them, until it ends: ticks would start late.
			// A batch's runs take tens of microseconds.
			runtime.Gosched()
		}
		select {
		case <-p.wake:
		case <-p.stop:
			return
		}
	}
}

// close stops the senders once every session is over; queued sessions are
// left alone (their connections are closed). Idempotent.
func (p *senderPool) close() {
	p.stopOnce.Do(func() {
		close(p.stop)
		p.start.Do(func() {}) // a pool never started stays so
	})
	p.wg.Wait()
	p.async.Wait() // only senders start these: none can start now
}

// senderScratch is a sender's working memory, lent to the session it
// writes: the encode buffer, the run's reliable messages and the interest
// filter's scratch.
type senderScratch struct {
	batch   []*session // the sessions taken from the queue, being run
	buf     []byte
	msgs    [][]byte // a run's reliable messages
	scratch match.FilterScratch
}
