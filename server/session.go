package server

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/game"
)

// session is one connected player. Three parties touch it: its reader (the
// HTTP handler goroutine), its writer goroutine, and its match's tick. Each
// field says who owns it.
type session struct {
	conn  *websocket.Conn
	match atomic.Pointer[Match] // once joined
	name  string                // set before joining, then read-only
	opts  *Options
	wg    *sync.WaitGroup // the server's, so Close waits for kicks too

	ctx    context.Context // cancelled when the session ends
	cancel context.CancelFunc

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

	// mailbox: the newest view not yet taken by the writer, and the last
	// input sequence applied when it was made. Written by the tick, taken by
	// the writer.
	boxMu   sync.Mutex
	boxView *view
	boxSeq  uint32
	notify  chan struct{} // capacity 1: "the mailbox has something"

	// reliable carries encoded messages that must all arrive, in order; a
	// nil one is the order to close with closing's code and reason once
	// everything before it is written. Slices keep the queue small: it is
	// much of a session's memory.
	reliable chan []byte
	closing  atomic.Pointer[closeOrder]

	kicked     atomic.Bool
	writeStart atomic.Int64  // UnixNano when the current write began, 0 when idle
	written    atomic.Uint32 // tick of the newest snapshot written
	first      atomic.Uint32 // tick of the first: the acknowledgement clock starts there
	acked      atomic.Uint32 // newest snapshot tick the client acknowledged

	stats sessionStats
}

// closeOrder is how the writer closes the connection after the queue.
type closeOrder struct {
	code   websocket.StatusCode
	reason string
}

type sessionStats struct {
	snapshots atomic.Uint64
	skipped   atomic.Uint64
	bytesOut  atomic.Uint64
}

func newSession(ctx context.Context, conn *websocket.Conn, opts *Options, wg *sync.WaitGroup) *session {
	ctx, cancel := context.WithCancel(ctx)
	s := &session{
		conn:     conn,
		opts:     opts,
		wg:       wg,
		ctx:      ctx,
		cancel:   cancel,
		joined:   make(chan error, 1),
		notify:   make(chan struct{}, 1),
		reliable: make(chan []byte, opts.ReliableQueue),
	}
	if conn != nil {
		// Ending the session ends its reads: they wait without a context.
		context.AfterFunc(ctx, func() { conn.CloseNow() })
	}
	return s
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
// never blocks. Tick only.
func (s *session) offer(v *view, lastSeq uint32) {
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
	select {
	case s.notify <- struct{}{}:
	default:
	}
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

// send queues a reliable message without blocking; a client too far behind
// to take it is closed. Any goroutine.
func (s *session) send(msg []byte) {
	select {
	case s.reliable <- msg:
	default:
		s.kick(websocket.StatusPolicyViolation, "too slow: reliable message queue overflow")
	}
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
		s.cancel()
	}()
}
