package server

import (
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/protocol"
)

// session is one connected player. Three parties touch it: its reader (a
// goroutine of its own), whichever sender of the server's pool writes it,
// and its match's tick. Each field says who owns it.
type session struct {
	conn  *websocket.Conn
	out   *batchConn            // conn's network connection; nil in tests without one
	match atomic.Pointer[Match] // once joined
	name  string                // set before joining, then read-only
	opts  *Options
	wg    *sync.WaitGroup // the server's, so Close waits for kicks too

	done    chan struct{} // closed when the session ends
	endOnce sync.Once

	// resume is the token that takes this seat back after a drop; resuming
	// says the session asks for a held seat rather than a new one. Set
	// before joining.
	resume   string
	resuming bool
	// nonce identifies the matchmaker's join token the seat was taken
	// with; empty without matchmaking.
	nonce string

	// Set by the match when the player joins; read-only afterwards.
	player game.PlayerID
	joined chan error // the match's answer to the join, capacity 1

	// inbox: written by the reader, drained by the tick.
	inMu      sync.Mutex
	inLatest  game.Input
	inButtons uint8 // buttons OR-ed over every input since the last drain, so a tap is never lost
	inNew     bool

	// held is the input the tick applies until a newer one arrives, and
	// heldButtons the buttons of that input itself (held may carry a tap
	// merged in for one step). Tick-owned.
	held        game.Input
	heldButtons uint8

	// mailbox: the newest view not yet taken by a sender, and the last
	// input sequence applied when it was made. Written by the tick, taken by
	// the session's sender.
	boxMu   sync.Mutex
	boxView *view
	boxSeq  uint32

	// reliable carries encoded messages that must all arrive, in order; a
	// nil one is the order to close with closing's code and reason once
	// everything before it is written. A sender drains it on every run.
	reliable reliableQueue
	closing  atomic.Pointer[closeOrder]

	// Sending (see senderPool): the pool, the session's place in it and
	// who runs it, and what its runs keep between snapshots. snap belongs
	// to whoever runs the session.
	pool       *senderPool // nil without a connection (tests)
	sendState  atomic.Int32
	nextQueued *session // guarded by pool.mu
	counts     *protocol.FieldCounts
	snap       snapshotState

	kicked      atomic.Bool
	closeSent   atomic.Bool   // the close order was reached: nothing more is written
	writeFailed atomic.Bool   // the connection refused a write: nothing more is written
	written     atomic.Uint32 // tick of the newest snapshot written
	first       atomic.Uint32 // tick of the first: the acknowledgement clock starts there
	acked       atomic.Uint32 // newest snapshot tick the client acknowledged

	stats sessionStats
}

// closeOrder is how the sender closes the connection after the queue.
type closeOrder struct {
	code   websocket.StatusCode
	reason string
}

type sessionStats struct {
	snapshots atomic.Uint64
	skipped   atomic.Uint64
	bytesOut  atomic.Uint64
}

func newSession(conn *websocket.Conn, opts *Options, wg *sync.WaitGroup) *session {
	return &session{
		conn:     conn,
		opts:     opts,
		wg:       wg,
		done:     make(chan struct{}),
		joined:   make(chan error, 1),
		reliable: reliableQueue{limit: opts.ReliableQueue},
	}
}

// end ends the session: its reads (which wait without a context) and
// writes fail, its waits return. It closes the network connection under
// the WebSocket library, not the library's: that may wait for a close
// handshake in progress, and end runs on senders too. The reader's
// goroutine closes the library's side when it returns. Idempotent; never
// blocks. Any goroutine.
func (s *session) end() {
	s.endOnce.Do(func() {
		close(s.done)
		if s.out != nil {
			s.out.Conn.Close()
		}
	})
}

// ended reports whether end was called.
func (s *session) ended() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// pushInput records a decoded input from the client. Reader only.
func (s *session) pushInput(in game.Input) {
	s.inMu.Lock()
	s.inLatest = in
	s.inButtons |= in.Buttons
	s.inNew = true
	s.inMu.Unlock()
}

// takeInput updates held with the newest input, if any arrived. Tick only.
func (s *session) takeInput() {
	s.inMu.Lock()
	if s.inNew {
		s.held = s.inLatest
		s.heldButtons = s.inLatest.Buttons
		s.held.Buttons |= s.inButtons
		s.inButtons = 0
		s.inNew = false
	} else {
		s.held.Buttons = s.heldButtons
	}
	s.inMu.Unlock()
}

// offer puts v in the mailbox, replacing (and skipping) an untaken one. It
// never blocks. It reports whether the session must be pushed to its
// sender pool, which the caller does for all its sessions at once. Tick
// only.
func (s *session) offer(v *view, lastSeq uint32) bool {
	v.retain()
	s.boxMu.Lock()
	old := s.boxView
	s.boxView, s.boxSeq = v, lastSeq
	s.boxMu.Unlock()
	if old != nil {
		old.release()
		s.stats.skipped.Add(1)
		s.opts.metrics.skipped.Inc()
	}
	return s.schedule()
}

// take empties the mailbox. Writer only (and the match when dropping the
// session).
func (s *session) take() (*view, uint32) {
	s.boxMu.Lock()
	v, seq := s.boxView, s.boxSeq
	s.boxView = nil
	s.boxMu.Unlock()
	return v, seq
}

// send queues a reliable message and wakes a sender: for what the client
// waits on (its Welcome, a Pong, a close). It never blocks; a client too far
// behind to take the message is closed. Any goroutine.
func (s *session) send(msg []byte) {
	if ok, _ := s.reliable.push(msg); !ok {
		s.overflow()
		return
	}
	s.wake()
}

// queue queues a reliable message without waking a sender: it goes out
// with the next snapshot, in the same write, so a tick's events cost no
// system call of their own. A sender is woken anyway once the queue is
// half full. Tick only.
func (s *session) queue(msg []byte) { s.queued(s.reliable.push(msg)) }

// queueAll is queue for several messages at once: a tick's events.
func (s *session) queueAll(msgs [][]byte) { s.queued(s.reliable.pushAll(msgs)) }

// queued closes a client whose queue overflowed and wakes a sender for one
// whose queue is half full; n messages wait.
func (s *session) queued(ok bool, n int) {
	switch {
	case !ok:
		s.overflow()
	case 2*n > s.reliable.limit:
		s.wake()
	}
}

func (s *session) overflow() {
	s.kick(websocket.StatusPolicyViolation, "too slow: reliable message queue overflow")
}

// closeAfterQueued closes the connection once the messages queued before
// have been written. Any goroutine; never blocks.
func (s *session) closeAfterQueued(code websocket.StatusCode, reason string) {
	if s.closing.CompareAndSwap(nil, &closeOrder{code, reason}) {
		s.send(nil)
	}
}

// kick closes the connection with a code and reason, once, without blocking
// the caller: a close handshake may wait on a stalled write.
func (s *session) kick(code websocket.StatusCode, reason string) {
	if !s.kicked.CompareAndSwap(false, true) {
		return
	}
	s.opts.Logger.Info("closing session", "player", s.player, "code", int(code), "reason", reason)
	s.opts.metrics.kicked.WithLabelValues(strconv.Itoa(int(code))).Inc()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		// The player leaves the match now: the close handshake may wait
		// seconds for a stalled client's answer.
		if m := s.match.Load(); m != nil {
			m.leave(s, false)
		}
		s.conn.Close(code, reason)
		s.end()
	}()
}
