package ws

import (
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/match"
)

// session is one connected player: the match's Peer for it. Three parties
// touch it: its reader (a goroutine of its own, then maybe an event loop:
// one at a time, handed over through the loop's lock), whichever sender of
// the pool writes it, and its match's tick. Each field says who owns it.
type session struct {
	out *batchConn  // the network connection; nil in tests without one
	rd  *connReader // the read side: its reader's only
	h   *Handler
	ip  string // the client's address (RemoteIP)

	done    chan struct{} // closed when the session ends
	endOnce sync.Once
	// isEnded is set just before done is closed: what ended() reads on
	// every message and write, one load of a line the caller holds rather
	// than a look into the channel's own allocation.
	isEnded atomic.Bool

	// The player's match and place in it: set by the match before anything
	// is sent (Joined), read by senders after taking what was sent and by
	// the reader after Join returns.
	m      atomic.Pointer[match.Match]
	player atomic.Pointer[match.Player]

	// mailbox: the newest view not yet taken by a sender, and the last
	// input sequence applied when it was made. Written by the tick, taken by
	// the session's sender.
	boxMu   sync.Mutex
	boxView *match.View
	boxSeq  uint32
	// boxFrame is a spectator's mailbox: the newest shared frame; shown
	// keeps its delayed messages in order with it (spectate.go).
	boxFrame *frame
	shown    shownOrder
	// watcher: the session is a spectator (set before it is handed to its
	// match), not a player.
	watcher atomic.Bool
	// unwatched: a spectator was let go of (Watcher.Unwatch), which
	// must happen once.
	unwatched atomic.Bool

	// reliable carries encoded messages that must all arrive, in order; a
	// nil one is the order to close with closing's code and reason once
	// everything before it is written. A sender drains it on every run.
	reliable reliableQueue
	// closing is the close the server decided on: the first one wins.
	closing atomic.Pointer[closeOrder]
	// spoke is set once the client's Hello was accepted: from then on the
	// server's closes are preceded by a Bye in the agreed version.
	spoke atomic.Bool

	// Sending (see pool.go and send.go): the session's place in the pool
	// and who runs it, and what its runs keep between snapshots. snap
	// belongs to whoever runs the session.
	sendState  atomic.Int32
	nextQueued *session // guarded by pool.mu
	snap       snapshotState

	closeSent atomic.Bool // the close order was reached: nothing more is written
	// closeWritten: our close frame is out (or being written); only the
	// client's answer is awaited, every other frame is ignored.
	closeWritten atomic.Bool
	// pong is the payload of the newest ping not answered yet: the next
	// sender run writes its pong (RFC 6455 lets a pong answer only the
	// newest ping). Set by the reader, taken by the sender.
	pong        atomic.Pointer[[]byte]
	writeFailed atomic.Bool   // the connection refused a write: nothing more is written
	written     atomic.Uint32 // tick of the newest snapshot written
	first       atomic.Uint32 // tick of the first: the acknowledgement clock starts there
	acked       atomic.Uint32 // newest snapshot tick the client acknowledged

	stats sessionStats
}

type sessionStats struct {
	snapshots atomic.Uint64
	skipped   atomic.Uint64
	bytesOut  atomic.Uint64
}

var _ match.Peer = (*session)(nil)

func newSession(h *Handler) *session {
	return &session{
		h:        h,
		done:     make(chan struct{}),
		reliable: reliableQueue{limit: h.opts.ReliableQueue},
	}
}

// end ends the session: its reads and writes fail, its waits return, the
// socket is closed. Idempotent; never blocks. Any goroutine.
func (s *session) end() {
	s.endOnce.Do(func() {
		s.isEnded.Store(true)
		close(s.done)
		if s.out != nil {
			s.out.shutdown()
		}
	})
}

// looped reports whether the connection was handed to an event loop.
func (s *session) looped() bool { return s.out != nil && s.out.lc.Load() != nil }

// ended reports whether end was called.
func (s *session) ended() bool { return s.isEnded.Load() }

// playerID is the session's player in its match, 0 before it joined.
func (s *session) playerID() uint32 {
	if p := s.player.Load(); p != nil {
		return uint32(p.ID())
	}
	return 0
}

// logger is the handler's logger with the session's match and player,
// once it has joined.
func (s *session) logger() *slog.Logger {
	l := s.h.opts.Logger
	if m := s.m.Load(); m != nil {
		l = l.With("match", m.ID())
	}
	if id := s.playerID(); id != 0 {
		l = l.With("player", id)
	}
	return l
}

// Joined records the player's match and place. Tick only, before anything
// is sent.
func (s *session) Joined(m *match.Match, p *match.Player) {
	s.m.Store(m)
	s.player.Store(p)
}

// Offer puts v in the mailbox, replacing (and skipping) an untaken one. It
// never blocks. It reports whether the session must be pushed to the
// sender pool, which the pool's Dispatch does for a tick's sessions at
// once. Tick only.
func (s *session) Offer(v *match.View, lastSeq uint32) bool {
	v.Retain()
	s.boxMu.Lock()
	old := s.boxView
	s.boxView, s.boxSeq = v, lastSeq
	s.boxMu.Unlock()
	if old != nil {
		old.Release()
		s.stats.skipped.Add(1)
		s.h.metrics.skipped.Inc()
	}
	return s.schedule()
}

// take empties the mailbox. Writer only (and the match when letting the
// session go).
func (s *session) take() (*match.View, uint32) {
	s.boxMu.Lock()
	v, seq := s.boxView, s.boxSeq
	s.boxView = nil
	s.boxMu.Unlock()
	return v, seq
}

// Detach lets go of an untaken view once the match let the player go.
func (s *session) Detach() {
	if v, _ := s.take(); v != nil {
		v.Release()
	}
	s.dropFrame()
}

// Send queues a reliable message and wakes a sender: for what the client
// waits on (its Welcome, a Pong). It never blocks; a client too far behind
// to take the message is closed. Any goroutine.
func (s *session) Send(msg []byte) {
	if ok, _ := s.reliable.push(msg); !ok {
		s.overflow()
		return
	}
	s.wake()
}

// Queue queues a reliable message without waking a sender: it goes out
// with the next snapshot, in the same write, so a tick's events cost no
// system call of their own. A sender is woken anyway once the queue is
// half full. Tick only.
func (s *session) Queue(msg []byte) { s.queued(s.reliable.push(msg)) }

// QueueAll is Queue for several messages at once: a tick's events.
func (s *session) QueueAll(msgs [][]byte) { s.queued(s.reliable.pushAll(msgs)) }

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
	s.lag("too slow: reliable message queue overflow", handshakeNow)
}

// Lagging reports whether the client acknowledged none of the snapshots
// written to it over the last limit ticks. The first snapshot written
// starts the clock: acked is 0 until the client acknowledges one. Tick
// only.
func (s *session) Lagging(limit uint32) bool {
	// acked first: a sender may write, and the client acknowledge, a
	// newer snapshot between the loads, and written is never behind it.
	acked, first := s.acked.Load(), s.first.Load()
	written := s.written.Load()
	if first == 0 || acked >= written {
		return false
	}
	return written-max(acked, first) > limit
}

// Close closes the connection once the messages queued before have been
// written. Any goroutine; never blocks.
func (s *session) Close(code protocol.CloseCode, reason string) {
	if s.watcher.Load() && s.closeAfterShown(code, reason) {
		return // after the frames and messages shown to the spectator
	}
	s.close(code, reason, afterQueued)
}

// Abort closes the connection now, for a client that fell behind; the
// match has held its seat. Any goroutine; never blocks.
func (s *session) Abort(code protocol.CloseCode, reason string) {
	s.closeWith(&closeOrder{code: code, reason: reason, how: handshakeNow, keepSeat: true})
}
