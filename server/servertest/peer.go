package servertest

import (
	"sync"
	"time"

	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/clock"
	"github.com/skirmishgg/skirmish/server/match"
)

// Peer is an in-memory match.Peer: it keeps the newest view offered (as a
// transport's mailbox does, counting the views it replaced), every
// reliable message, and how it was closed. It is safe for concurrent use.
type Peer struct {
	// Clock, when set, keeps every delivery in the Timeline, stamped
	// with its time. Without, nothing is kept there (benchmarks).
	Clock clock.Clock

	mu       sync.Mutex
	timeline []Delivery
	view     *match.View
	lastSeq  uint32
	skipped  int
	msgs     [][]byte
	closed   *protocol.CloseError
	aborted  bool
	detached bool
	lag      bool
}

var _ match.Peer = (*Peer)(nil)

func (p *Peer) Joined(*match.Match, *match.Player) {}

func (p *Peer) Offer(v *match.View, lastSeq uint32) bool {
	v.Retain()
	p.mu.Lock()
	old := p.view
	p.view, p.lastSeq = v, lastSeq
	if old != nil {
		p.skipped++
	}
	p.mu.Unlock()
	if old != nil {
		old.Release()
	}
	return false
}

func (p *Peer) Queue(msg []byte) { p.add(msg) }

func (p *Peer) QueueAll(msgs [][]byte) {
	p.mu.Lock()
	p.msgs = append(p.msgs, msgs...)
	for _, m := range msgs {
		p.deliveredLocked(Delivery{Msg: m})
	}
	p.mu.Unlock()
}

func (p *Peer) Send(msg []byte) { p.add(msg) }

func (p *Peer) add(msg []byte) {
	p.mu.Lock()
	p.msgs = append(p.msgs, msg)
	p.deliveredLocked(Delivery{Msg: msg})
	p.mu.Unlock()
}

// Delivery is one thing a peer was handed, in order: a reliable message,
// or (Msg nil) a view shown to it as a spectator.
type Delivery struct {
	At   time.Time // the Peer's Clock's time then
	Msg  []byte
	View uint32 // the view's tick, when Msg is nil
}

func (p *Peer) deliveredLocked(d Delivery) {
	if p.Clock == nil {
		return
	}
	d.At = p.Clock.Now()
	p.timeline = append(p.timeline, d)
}

// shown records a view shown to the peer as a spectator.
func (p *Peer) shown(tick uint32) {
	p.mu.Lock()
	p.deliveredLocked(Delivery{View: tick})
	p.mu.Unlock()
}

// Timeline returns everything delivered so far, in order: messages and
// the views shown to a spectator. Unlike Messages it forgets nothing.
func (p *Peer) Timeline() []Delivery {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Delivery(nil), p.timeline...)
}

func (p *Peer) Close(code protocol.CloseCode, reason string) {
	p.mu.Lock()
	if p.closed == nil {
		p.closed = &protocol.CloseError{Code: code, Reason: reason}
	}
	p.mu.Unlock()
}

func (p *Peer) Abort(code protocol.CloseCode, reason string) {
	p.Close(code, reason)
	p.mu.Lock()
	p.aborted = true
	p.mu.Unlock()
}

func (p *Peer) Lagging(limit uint32) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lag
}

// SetLagging sets what Lagging reports: a client that stopped
// acknowledging snapshots.
func (p *Peer) SetLagging(lag bool) {
	p.mu.Lock()
	p.lag = lag
	p.mu.Unlock()
}

func (p *Peer) Detach() {
	p.mu.Lock()
	v := p.view
	p.view, p.detached = nil, true
	p.mu.Unlock()
	if v != nil {
		v.Release()
	}
}

// Take empties the mailbox: the newest view (the caller releases it) and
// the input sequence it came with.
func (p *Peer) Take() (*match.View, uint32) {
	p.mu.Lock()
	defer p.mu.Unlock()
	v := p.view
	p.view = nil
	return v, p.lastSeq
}

// Skipped is how many offered views were replaced before being taken.
func (p *Peer) Skipped() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.skipped
}

// Messages returns the reliable messages queued so far and forgets them.
func (p *Peer) Messages() [][]byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := p.msgs
	p.msgs = nil
	return m
}

// Discard forgets the queued messages, keeping their room: what a
// transport's sender does after writing them, for benchmarks.
func (p *Peer) Discard() {
	p.mu.Lock()
	clear(p.msgs)
	p.msgs = p.msgs[:0]
	p.mu.Unlock()
}

// Closed returns how the match closed the peer, or nil.
func (p *Peer) Closed() *protocol.CloseError {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

// Detached reports whether the match let the peer go.
func (p *Peer) Detached() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.detached
}
