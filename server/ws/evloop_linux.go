//go:build linux

package ws

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// An event loop reads the game connections handed to it (handoff_linux.go)
// without a goroutine per connection: one epoll instance, edge-triggered
// registrations (EPOLLIN|EPOLLOUT|EPOLLRDHUP), one big read buffer shared
// by all its connections, one read per readiness event (another only when
// the read filled the buffer, or after a hang-up, to take the last bytes),
// and every complete message of a read handled right there: an input
// decoded, rate limited and pushed to the match, a ping's pong queued for
// the senders, control frames charged to the control budget, a close
// frame answered. Nothing on the loop waits: the sessions' reliable queues
// and the sender pool never block, writes are single non-blocking
// attempts, and what may wait (leaving a match, logging a close) goes to a
// goroutine.
//
// The loop waits on Go's own poller (runPolled): its epoll descriptor is
// registered there like a socket, the loop goroutine parks until it is
// readable, then takes the events with an epoll_wait that does not wait.
// Not a blocking epoll_wait through the scheduler (measured: twice the
// context switches at 64 CCU, sysmon handing the P off at every wait),
// and by default not a raw epoll_pwait on a locked thread as the floor's
// loop does (Options.LoopThread): that is the cheapest per wake-up, but
// the thread holds its P while blocked, and with GOMAXPROCS=2 the match
// ticks and the senders would share the other one
// (bench/results/evloop-2026-12-05.md has the figures).
//
// Writes: the senders write on the loop's descriptors directly (batchConn,
// one non-blocking write a batch); a batch the kernel does not take at
// once is parked, and the loop finishes it on EPOLLOUT or drops the client
// at its deadline.
type loop struct {
	h      *Handler
	epfd   int
	wakefd int // an eventfd: wakes the loop for a parked write's deadline, and to stop

	// Loop goroutine only.
	buf    []byte // the read buffer every connection of the loop shares
	events []unix.EpollEvent
	ready  []*loopConn // the connections of events, looked up under mu
	due    []*loopConn // scratch for the deadline scan

	serveFn       func(uintptr) bool // serve, made once
	file          *os.File           // epfd on Go's poller; nil: a blocking epoll_wait
	deadlineArmed bool
	scanned       time.Time // the last look at parked writes' deadlines

	mu      sync.Mutex
	conns   map[uint64]*loopConn   // by token: an event of a closed connection finds nothing
	pending map[*loopConn]struct{} // connections with a parked write
	next    uint64                 // the last token given
	failed  []failedConn           // registrations that failed: dropped on the next wake-up
	stop    bool
	done    chan struct{}
}

// loopConn is a connection on a loop.
type loopConn struct {
	l     *loop
	s     *session
	fd    int    // the loop's descriptor: immutable; the loop closes it
	token uint64 // its epoll key: never reused, unlike the descriptor's number

	// outPending: the connection's open batch (batchConn) is unfinished
	// and parked for the loop. A writer sets it under batchConn.mu before
	// its write attempt, so the loop's lock-free check after an EPOLLOUT
	// edge cannot miss a batch whose write failed with EAGAIN after the
	// edge (the lost wake-up): either the loop sees it and takes mu, or
	// the EAGAIN came after the edge and the kernel sends another when
	// room frees up. It lives here, not in batchConn, because the loop
	// checks it on every event (EPOLLOUT comes with nearly every edge),
	// and here it shares the cache line the loop has just read.
	outPending atomic.Bool

	// Loop goroutine only.
	dropped bool // closed and forgotten: later events for it are ignored
	left    bool // its leave from the match was started
	expired bool // its parked write's deadline passed: it is being dropped
}

const (
	loopReadBuffer = 16 << 10 // a read takes one connection's bytes, usually a few inputs; a full one is followed by another
	loopEvents     = 256
	wakeToken      = 0 // the eventfd's key; connections' tokens start at 1
	// pendingScan is how often a loop with parked writes looks at their
	// deadlines (WriteTimeout is seconds).
	pendingScan = 100 * time.Millisecond
	// threadWaitMax bounds a loop thread's wait for events.
	threadWaitMax = 50 * time.Millisecond
)

func newLoop(h *Handler) (*loop, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	wakefd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		unix.Close(epfd)
		return nil, err
	}
	ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLET}
	setToken(&ev, wakeToken)
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, wakefd, &ev); err != nil {
		unix.Close(epfd)
		unix.Close(wakefd)
		return nil, err
	}
	l := &loop{
		h: h, epfd: epfd, wakefd: wakefd,
		buf:     make([]byte, loopReadBuffer),
		events:  make([]unix.EpollEvent, loopEvents),
		ready:   make([]*loopConn, loopEvents),
		conns:   make(map[uint64]*loopConn),
		pending: make(map[*loopConn]struct{}),
		done:    make(chan struct{}),
	}
	l.serveFn = l.serve
	go l.run()
	return l, nil
}

// setToken and token keep a 64-bit key in an event's data (the Fd and
// Pad fields of x/sys's EpollEvent are its two halves).
func setToken(ev *unix.EpollEvent, t uint64) {
	ev.Fd, ev.Pad = int32(uint32(t)), int32(uint32(t>>32))
}

func token(ev *unix.EpollEvent) uint64 {
	return uint64(uint32(ev.Fd)) | uint64(uint32(ev.Pad))<<32
}

// add registers a connection handed over. Any goroutine.
func (l *loop) add(lc *loopConn) error {
	l.mu.Lock()
	l.next++
	lc.token = l.next
	l.conns[lc.token] = lc
	l.mu.Unlock()
	l.h.metrics.looped.Inc()
	ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLOUT | unix.EPOLLRDHUP | unix.EPOLLET}
	setToken(&ev, lc.token)
	// Registering reports what is ready already: bytes that came after
	// the last read of the connection's goroutine are not lost.
	if err := unix.EpollCtl(l.epfd, unix.EPOLL_CTL_ADD, lc.fd, &ev); err != nil {
		// Nothing will report on it, yet it is the loop's now: a sender
		// may have parked a write for it already. The loop drops it
		// as any other (drop is the loop's alone: it closes the
		// descriptor once, ends a parked run and the hand-over's count).
		err = fmt.Errorf("event loop registration: %w", err)
		l.mu.Lock()
		l.failed = append(l.failed, failedConn{lc, err})
		l.mu.Unlock()
		l.wake()
		return err
	}
	return nil
}

// failedConn is a connection whose registration failed, for the loop to
// drop.
type failedConn struct {
	lc  *loopConn
	err error
}

// park has the loop finish a write the kernel did not take at once and
// watch its deadline. Any goroutine, under the connection's batchConn.mu.
func (lc *loopConn) park() {
	l := lc.l
	l.mu.Lock()
	first := len(l.pending) == 0
	l.pending[lc] = struct{}{}
	l.mu.Unlock()
	if first {
		l.wake() // its wait may have no timeout
	}
}

func (l *loop) wake() {
	var one [8]byte
	binary.NativeEndian.PutUint64(one[:], 1)
	unix.Write(l.wakefd, one[:])
}

// close stops the loop once its connections are gone. Handler.Close only.
func (l *loop) close() {
	l.mu.Lock()
	l.stop = true
	l.mu.Unlock()
	l.wake()
	<-l.done
	if l.file != nil {
		l.file.Close() // epfd
	} else {
		unix.Close(l.epfd)
	}
	unix.Close(l.wakefd)
}

func (l *loop) run() {
	defer close(l.done)
	// The loop waits on Go's own poller: the epoll descriptor, made
	// non-blocking, is readable whenever one of its connections is ready,
	// so the loop goroutine parks like any reader, is woken by the
	// scheduler's netpoll, and takes the events with an epoll_wait that
	// does not wait. See the type's comment for why not a blocking
	// epoll_wait (the fallback when the descriptor cannot be polled).
	if l.h.opts.LoopThread {
		l.runOnThread()
		return
	}
	if err := unix.SetNonblock(l.epfd, true); err == nil {
		file := os.NewFile(uintptr(l.epfd), "epoll")
		if file.SetReadDeadline(time.Time{}) == nil { // pollable
			l.file = file
			l.runPolled()
			return
		}
		unix.SetNonblock(l.epfd, false)
	}
	for !l.stopping() {
		timeout := -1
		if l.parked() {
			timeout = int(pendingScan / time.Millisecond)
		}
		n, err := unix.EpollWait(l.epfd, l.events, timeout)
		if err != nil {
			if err == unix.EINTR {
				continue
			}
			l.h.opts.Logger.Error("event loop failed", "err", err)
			return
		}
		l.handleEvents(n)
	}
}

// runOnThread is the loop on an OS thread of its own, blocked in a raw
// epoll_pwait as the floor's is: no scheduler work per wake-up, but the
// thread keeps its P while it waits (Options.LoopThread). A preemption
// signal (GC) cuts the wait short with EINTR, so it never holds up a
// stop-the-world.
func (l *loop) runOnThread() {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for !l.stopping() {
		// Never an endless wait: the runtime's preemption signal cuts it
		// short (EINTR) for a stop-the-world, but with asynchronous
		// preemption off (GODEBUG=asyncpreemptoff=1) only a timeout would.
		timeout := int(threadWaitMax / time.Millisecond)
		if l.parked() {
			timeout = int(pendingScan / time.Millisecond)
		}
		r, _, e := unix.RawSyscall6(unix.SYS_EPOLL_PWAIT, uintptr(l.epfd), uintptr(unsafe.Pointer(&l.events[0])), uintptr(len(l.events)), uintptr(timeout), 0, 0)
		switch e {
		case 0:
			l.handleEvents(int(r))
		case unix.EINTR:
		default:
			l.h.opts.Logger.Error("event loop failed", "err", e)
			return
		}
	}
}

// runPolled is the loop on Go's poller. RawConn.Read calls serve, and
// parks the goroutine whenever serve asks to wait, until the poller sees
// the epoll descriptor readable again: serve takes and handles the ready
// events, once per wake-up. An event that comes while serve runs makes
// the descriptor readable again, so the next park returns at once: none
// is lost.
func (l *loop) runPolled() {
	rc, err := l.file.SyscallConn()
	if err != nil {
		l.h.opts.Logger.Error("event loop failed", "err", err)
		return
	}
	for {
		l.armDeadline()
		err := rc.Read(l.serveFn)
		switch {
		case l.stopping():
			return
		case errors.Is(err, os.ErrDeadlineExceeded):
			l.expire(time.Now())
		case err != nil:
			l.h.opts.Logger.Error("event loop failed", "err", err)
			return
		}
	}
}

// armDeadline has the wait return after pendingScan while writes are
// parked, so their deadlines are looked at.
func (l *loop) armDeadline() {
	var d time.Time
	l.deadlineArmed = l.parked()
	if l.deadlineArmed {
		d = time.Now().Add(pendingScan)
	}
	l.file.SetReadDeadline(d)
}

// serve takes the ready events without waiting and handles them; true
// ends the Read: the loop stops.
func (l *loop) serve(uintptr) bool {
	n, err := unix.EpollWait(l.epfd, l.events, 0)
	if err != nil || n <= 0 {
		return l.stopping()
	}
	l.handleEvents(n)
	if l.stopping() {
		return true
	}
	if l.parked() != l.deadlineArmed {
		l.armDeadline()
	}
	return false
}

func (l *loop) stopping() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.stop
}

func (l *loop) parked() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.pending) > 0
}

// handleEvents handles the n events epoll_wait put in l.events.
func (l *loop) handleEvents(n int) {
	wake := false
	l.mu.Lock()
	for i := range n {
		t := token(&l.events[i])
		if t == wakeToken {
			wake = true
		}
		l.ready[i] = l.conns[t]
	}
	l.mu.Unlock()
	for i := range n {
		if lc := l.ready[i]; lc != nil && !lc.dropped {
			l.handle(lc, l.events[i].Events)
		}
		l.ready[i] = nil
	}
	if wake {
		var b [8]byte
		unix.Read(l.wakefd, b[:])
		l.mu.Lock()
		failed := l.failed
		l.failed = nil
		l.mu.Unlock()
		for _, f := range failed {
			l.drop(f.lc, f.err)
		}
	}
	if wake || l.parked() {
		if now := time.Now(); wake || now.Sub(l.scanned) >= pendingScan {
			l.scanned = now
			l.expire(now)
		}
	}
}

// handle answers one readiness event of a connection.
func (l *loop) handle(lc *loopConn, events uint32) {
	if events&unix.EPOLLOUT != 0 && lc.outPending.Load() {
		l.finishWrite(lc)
	}
	if events&(unix.EPOLLIN|unix.EPOLLRDHUP|unix.EPOLLHUP|unix.EPOLLERR) != 0 {
		l.read(lc, events&(unix.EPOLLRDHUP|unix.EPOLLHUP|unix.EPOLLERR) != 0)
	}
}

// read reads what the connection has and handles its messages.
func (l *loop) read(lc *loopConn, hangup bool) {
	s := lc.s
	for {
		n, err := unix.Read(lc.fd, l.buf)
		switch {
		case n > 0:
			s.rd.p.Feed(l.buf[:n])
			over, why := s.consume() // keeps a cut frame's bytes: l.buf is reused
			if over {
				l.drop(lc, why)
				return
			}
			if !lc.left && s.closeWritten.Load() {
				// The server closed it over a message: the player leaves
				// now, the loop waits for the client's answer.
				lc.left = true
				l.leave(s, s.keepsSeat())
			}
			if n < len(l.buf) && !hangup {
				return // the socket is empty: the next bytes bring an edge
			}
		case err == unix.EINTR:
		case err == unix.EAGAIN:
			return
		case err == nil: // end of stream
			l.drop(lc, io.EOF)
			return
		default:
			l.drop(lc, err)
			return
		}
	}
}

// finishWrite writes the rest of a parked batch on EPOLLOUT; done, it
// ends the sender's run (carrying out a close order found in it) or the
// close frame's wait.
func (l *loop) finishWrite(lc *loopConn) {
	s, c := lc.s, lc.s.out
	c.mu.Lock()
	if !lc.outPending.Load() || c.state != onLoop {
		c.mu.Unlock()
		return
	}
	n, err := writeFD(c.fd, (*c.buf)[c.sent:])
	c.sent += n
	if err == nil && c.sent < len(*c.buf) {
		c.mu.Unlock()
		s.countOut(n)
		return // the next edge brings more room
	}
	run, closing := c.outRun, c.outClosing
	lc.outPending.Store(false)
	c.close()
	c.mu.Unlock()
	l.unpark(lc)
	s.countOut(n)
	switch {
	case err != nil:
		s.fail(err)
	case run && closing:
		s.async(func() bool { s.carryOutClose(); return false }) // it logs
		return
	}
	if run {
		s.doneSending()
	}
}

func (l *loop) unpark(lc *loopConn) {
	l.mu.Lock()
	delete(l.pending, lc)
	l.mu.Unlock()
}

// expire drops the clients whose parked writes are past their deadline:
// they took nothing for WriteTimeout (a run's batch), or did not take a
// close frame (which ends the connection anyway).
func (l *loop) expire(now time.Time) {
	l.mu.Lock()
	l.due = l.due[:0]
	for lc := range l.pending {
		l.due = append(l.due, lc)
	}
	l.mu.Unlock()
	for i, lc := range l.due {
		l.due[i] = nil
		switch {
		case lc.dropped:
			continue
		case lc.expired:
			// Its end's shutdown brings a hang-up; should that event not
			// come, the next scan drops it all the same.
			if lc.s.ended() {
				l.drop(lc, errWriteTimeout)
			}
			continue
		}
		c := lc.s.out
		c.mu.Lock()
		late := lc.outPending.Load() && now.After(c.outDeadline)
		run := c.outRun
		c.mu.Unlock()
		if !late {
			continue
		}
		lc.expired = true
		s := lc.s
		if !run {
			s.end()
			continue
		}
		// It logs: off the loop. Its end shuts the socket down, and the
		// hang-up drops it here, which ends the run.
		l.h.wg.Add(1)
		go func() {
			defer l.h.wg.Done()
			s.lag("too slow: write timed out", noFrame)
		}()
	}
}

// drop forgets a connection whose reading is over and closes its
// descriptor: only here, after it left the epoll set and the table, so
// an event still queued for it finds nothing, and under batchConn.mu, so
// no writer uses the number after it (a new connection may get it). The
// rest of its end (leaving the match, the sending's end) goes to a
// goroutine.
func (l *loop) drop(lc *loopConn, why error) {
	if lc.dropped {
		return
	}
	lc.dropped = true
	s, c := lc.s, lc.s.out
	l.mu.Lock()
	delete(l.conns, lc.token)
	delete(l.pending, lc)
	l.mu.Unlock()
	unix.EpollCtl(l.epfd, unix.EPOLL_CTL_DEL, lc.fd, nil)
	l.h.metrics.looped.Dec()
	c.mu.Lock()
	unix.Close(lc.fd)
	c.state = loopClosed
	parkedRun := lc.outPending.Load() && c.outRun
	if lc.outPending.Load() {
		lc.outPending.Store(false)
		c.close()
	}
	c.mu.Unlock()
	s.end()
	if parkedRun {
		s.doneSending()
	}
	leave, dropped := !lc.left, s.dropped(why)
	go func() {
		defer l.h.wg.Done() // the hand-over's
		if leave {
			l.h.leaveMatch(s, dropped)
		}
		s.stopSending()
	}()
}

// leave takes a session out of its match on a goroutine: Leave may wait.
func (l *loop) leave(s *session, dropped bool) {
	l.h.wg.Add(1)
	go func() {
		defer l.h.wg.Done()
		l.h.leaveMatch(s, dropped)
	}()
}

// loops is a handler's event loops, started at the first hand-over.
type loops struct {
	once sync.Once
	all  []*loop
	err  error
	next atomic.Uint32
	// procs is what the loops added to GOMAXPROCS (Options.LoopThread):
	// given back when they stop.
	procs int
}

// pick returns the loop for a new connection, starting them first.
func (h *Handler) pickLoop() (*loop, error) {
	ls := &h.loops
	ls.once.Do(func() {
		for range h.opts.EventLoops {
			l, err := newLoop(h)
			if err != nil {
				ls.err = err
				return
			}
			ls.all = append(ls.all, l)
		}
		if h.opts.LoopThread && len(ls.all) > 0 {
			// A loop's thread holds a P while it waits in the kernel,
			// using no CPU: one more P each keeps the match ticks and the
			// senders the Ps they had (measured: without it, tick
			// lateness p99 at 2048 players went from 8 to 13 ms). The
			// setting is the process's: relative, so it composes with
			// another handler's.
			ls.procs = len(ls.all)
			runtime.GOMAXPROCS(runtime.GOMAXPROCS(0) + ls.procs)
		}
	})
	if len(ls.all) == 0 {
		return nil, errors.Join(errNoLoop, ls.err)
	}
	return ls.all[int(ls.next.Add(1))%len(ls.all)], nil
}

var (
	errNoLoop       = errors.New("server: no event loop")
	errWriteTimeout = errors.New("server: write timed out")
)

// stopLoops stops the loops once every connection has ended.
func (h *Handler) stopLoops() {
	h.loops.once.Do(func() {}) // none start after this
	for _, l := range h.loops.all {
		l.close()
	}
	if n := h.loops.procs; n > 0 {
		h.loops.procs = 0
		runtime.GOMAXPROCS(max(1, runtime.GOMAXPROCS(0)-n))
	}
}

// handOver gives a seated session's reading to an event loop; false
// leaves it on its goroutine (no loops, not a socket, or it ended).
func (h *Handler) handOver(s *session) bool {
	if h.opts.EventLoops <= 0 {
		return false
	}
	c := s.out
	sc, ok := c.nc.(syscall.Conn)
	if !ok {
		return false
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	l, err := h.pickLoop()
	if err != nil {
		h.opts.Logger.Warn("no event loop: connections read on goroutines", "err", err)
		return false
	}
	// Messages the client sent right behind its Hello are in the parser
	// already: handle them here, before the loop owns the reader.
	if over, why := s.consume(); over {
		h.leaveMatch(s, s.dropped(why))
		s.awaitClose()
		s.end()
		s.stopSending()
		return true
	}
	// The socket leaves Go's poller, or every message would still wake
	// it: a duplicate descriptor is the loop's, and closing nc takes the
	// original out of Go's epoll set (the duplicate keeps the socket open
	// and shares its O_NONBLOCK).
	fd := -1
	if err := raw.Control(func(f uintptr) { fd, err = unix.FcntlInt(f, unix.F_DUPFD_CLOEXEC, 0) }); err != nil || fd < 0 {
		return false
	}
	return h.adopt(l, s, fd)
}

// adopt gives the session's socket, duplicated as fd, to loop l: from
// here the loop reads it and ends it (a registration that fails is
// dropped by the loop too). false: the session ended meanwhile, fd is
// closed and its goroutine goes on.
func (h *Handler) adopt(l *loop, s *session, fd int) bool {
	c := s.out
	lc := &loopConn{l: l, s: s, fd: fd}
	c.mu.Lock()
	if c.ended {
		c.mu.Unlock()
		unix.Close(fd)
		return false // its reads fail at once, on its goroutine
	}
	c.fd, c.state = fd, onLoop
	c.lc.Store(lc)
	c.mu.Unlock()
	c.nc.Close()
	s.rd.nc, s.rd.buf = nil, nil // the loop reads into its own buffer
	h.wg.Add(1)                  // released when the loop drops it
	if err := l.add(lc); err != nil {
		h.opts.Logger.Warn("event loop registration failed: the connection is dropped", "err", err)
	}
	return true
}
