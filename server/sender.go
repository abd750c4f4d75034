package server

import (
	"fmt"
	"runtime"
	"sync"
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

// push queues sessions that schedule said need a sender, and wakes as many
// senders as there is work for. It never blocks: the queue is an intrusive
// list and each session is in it at most once. Any goroutine.
func (p *senderPool) push(ss ...*session) {
	if len(ss) == 0 {
		return
	}
	p.start.Do(p.run)
	p.mu.Lock()
	for _, s := range ss {
		s.nextQueued = nil
		if p.tail == nil {
			p.head = s
		} else {
			p.tail.nextQueued = s
		}
		p.tail = s
	}
	p.mu.Unlock()
	for range min(len(ss), p.workers) {
		select {
		case p.wake <- struct{}{}:
		default:
			return // every sender is awake already, or about to be
		}
	}
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
	scratch filterScratch
}

// A session's sending state. Exactly one party runs a session's sending at
// a time: a sender, or the goroutine finishing a write that had to wait.
const (
	sendIdle    int32 = iota // nothing to write, nobody writing
	sendQueued               // in the pool's queue
	sendRunning              // being written
	sendDirty                // being written, and more arrived meanwhile
	sendClosing              // being written, and the session is over
	sendClosed               // over: never written again
)

// schedule notes that the session has something to write. It reports
// whether the session must be pushed to the pool (it was idle); the caller
// pushes, so a tick can push all its sessions at once. Any goroutine.
func (s *session) schedule() bool {
	if s.pool == nil {
		return false // no connection (tests): whoever made it reads the mailbox
	}
	for {
		switch st := s.sendState.Load(); st {
		case sendIdle:
			if s.sendState.CompareAndSwap(st, sendQueued) {
				return true
			}
		case sendRunning:
			if s.sendState.CompareAndSwap(st, sendDirty) {
				return false
			}
		default: // queued, dirty, closing, closed
			return false
		}
	}
}

// wake schedules the session and pushes it when needed.
func (s *session) wake() {
	if s.schedule() {
		s.pool.push(s)
	}
}

// doneSending ends a run: the session goes idle, back in the queue when
// more arrived meanwhile (at the back: fairness among clients), or is
// closed for good when it ended meanwhile.
func (s *session) doneSending() {
	for {
		switch st := s.sendState.Load(); st {
		case sendRunning:
			if s.sendState.CompareAndSwap(st, sendIdle) {
				return
			}
		case sendDirty:
			if s.sendState.CompareAndSwap(st, sendQueued) {
				s.pool.push(s)
				return
			}
		case sendClosing:
			if s.sendState.CompareAndSwap(st, sendClosed) {
				s.releaseSending()
				return
			}
		default:
			panic(fmt.Sprintf("server: doneSending in sending state %d", st))
		}
	}
}

// stopSending ends the session's sending once the session is over: at
// once when nobody is writing it, else when the current run ends.
func (s *session) stopSending() {
	for {
		switch st := s.sendState.Load(); st {
		case sendIdle, sendQueued:
			// A queued session popped later finds it closed and is skipped.
			if s.sendState.CompareAndSwap(st, sendClosed) {
				s.releaseSending()
				return
			}
		case sendRunning, sendDirty:
			if s.sendState.CompareAndSwap(st, sendClosing) {
				return
			}
		default:
			return
		}
	}
}

// releaseSending lets go of the views the session held: the baseline of its
// next delta and an untaken snapshot. Runs once, by whoever closed it.
func (s *session) releaseSending() {
	if s.snap.base != nil {
		s.snap.base.release()
		s.snap.base = nil
	}
	if v, _ := s.take(); v != nil {
		v.release()
	}
}
