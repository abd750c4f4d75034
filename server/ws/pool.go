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

// pop takes the next queued session, or nil.
func (p *senderPool) pop() *session {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.head
	if s != nil {
		p.head = s.nextQueued
		if p.head == nil {
			p.tail = nil
		}
		s.nextQueued = nil
	}
	return s
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
		for s := p.pop(); s != nil; s = p.pop() {
			s.runSender(w)
			// A burst of runs never blocks, so without this the Go
			// scheduler would not look at this P's timers, the match
			// loops' among them, until it ends: ticks would start late.
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
	buf     []byte
	msgs    [][]byte // a run's reliable messages
	scratch match.FilterScratch
}
