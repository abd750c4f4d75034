package ws

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/match"
	"github.com/skirmishgg/skirmish/server/netlimit"
)

// Admitter seats a player who said Hello: host admission (join tokens,
// resume tokens, placement) as the adapter sees it.
type Admitter interface {
	// Admit seats the player of hello on peer and returns its match and
	// place. cancel is closed when the connection ends. A refusal's error
	// carries the protocol.CloseError the client is closed with.
	Admit(hello protocol.Hello, peer match.Peer, cancel <-chan struct{}) (*match.Match, *match.Player, error)
}

// Handler is the WebSocket adapter: it serves players at GET /ws, reads
// each connection on a goroutine of its own and writes every session
// through one pool of senders.
type Handler struct {
	admit   Admitter
	opts    Options
	metrics *metrics

	wg      sync.WaitGroup // connection goroutines and close handshakes
	batches batchPool      // write batch buffers of every connection
	pool    *senderPool
	loops   loops // the event loops connections are read on once seated (linux)
}

// New returns the adapter for admit's matches; admit may be set later,
// before serving, with SetAdmitter. opts may be nil.
func New(admit Admitter, opts *Options) *Handler {
	o := opts.withDefaults()
	return &Handler{admit: admit, opts: o, metrics: newMetrics(o.Registry), pool: newSenderPool(o.Senders)}
}

// SetAdmitter sets the admission when it needs the adapter's Dispatcher
// first (the matches it admits to are built with it). Before serving only.
func (h *Handler) SetAdmitter(admit Admitter) { h.admit = admit }

// Dispatcher is what the matches hand their sessions to after a snapshot
// tick (match.Options.Dispatcher).
func (h *Handler) Dispatcher() match.Dispatcher { return h.pool }

// ServeHTTP upgrades a player's connection and hands it to a goroutine of
// its own, letting this handler (and what net/http keeps for it: the
// request, its buffers) go: a player's connection lives for minutes. The
// WebSocket library does the upgrade only; the adapter reads and writes
// the socket itself (netconn.go, wsframe).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	lean := &leanHijacker{ResponseWriter: w, batches: &h.batches}
	_, err := websocket.Accept(lean, r, &websocket.AcceptOptions{
		CompressionMode: websocket.CompressionDisabled,
		// Same origin and native clients (no Origin) only, unless the
		// operator lists the origins of their web pages: a page elsewhere
		// must not play on its visitors' behalf.
		OriginPatterns: h.opts.OriginPatterns,
	})
	if err != nil {
		return // Accept has written the HTTP error
	}
	ip := remoteIP(r)
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		h.run(lean.conn, lean.early, ip)
	}()
}

// run runs one connection: the handshake and admission on this
// goroutine, then its reads, here or (linux) on an event loop, while the
// senders write.
func (h *Handler) run(out *batchConn, early []byte, ip string) {
	s := newSession(h)
	s.out, s.ip = out, ip
	ctl := &controlBudget{budget: netlimit.NewReadBudget(h.opts.ControlLimits, h.opts.Clock.Now()), clock: h.opts.Clock, s: s}
	s.rd = newConnReader(out.nc, early, ctl)
	if !h.seat(s) {
		s.awaitClose() // a close the server decided: wait for the answer first
		s.end()
		return
	}
	if h.handOver(s) {
		return // the loop reads it from now on, and ends it
	}
	err := s.readSeated()
	h.leaveMatch(s, s.dropped(err))
	s.awaitClose()
	s.end()
	s.stopSending()
}

// seat reads the client's Hello (or Spectate) and seats it in a match.
// false: the connection was refused or ended, and closed.
func (h *Handler) seat(s *session) bool {
	hello, sp, err := s.readHello()
	if err != nil {
		return false
	}
	s.spoke.Store(true)
	if sp != nil {
		return h.seatSpectator(s, *sp)
	}
	m, p, err := h.admitAside(hello, s)
	if err != nil {
		var ce protocol.CloseError
		if !errors.As(err, &ce) {
			h.opts.Logger.Warn("admission failed", "err", err)
			ce = protocol.CloseError{Code: protocol.CloseTryAgainLater, Reason: "no match could take the player"}
		}
		s.close(ce.Code, ce.Reason, handshakeInline)
		return false
	}
	s.seated(m, p)
	// Attributes per line rather than a logger made With them: a logger
	// kept for the whole connection costs every player memory.
	if p.Resumed() {
		h.opts.Logger.Info("player resumed", slog.String("match", m.ID()), slog.Uint64("player", uint64(p.ID())))
	} else {
		h.opts.Logger.Info("player joined", slog.String("match", m.ID()), slog.Uint64("player", uint64(p.ID())), "name", p.Name())
	}
	return true
}

// leaveMatch takes a seated session out of its match once its reads are
// over; dropped keeps a player's seat for the grace period. It may wait
// on the match: never on an event loop.
func (h *Handler) leaveMatch(s *session, dropped bool) {
	r := s.rd
	if r.m == nil {
		return // never seated: nothing to leave
	}
	if r.player == nil {
		// The admission counts spectators by address: Unwatch lets this
		// one go there too, once whatever the exit path.
		if s.unwatched.CompareAndSwap(false, true) {
			if w, ok := h.admit.(Watcher); ok {
				w.Unwatch(r.m, s)
			} else {
				r.m.Unspectate(s)
			}
		}
		h.opts.Logger.Info("spectator left", "match", r.m.ID())
		return
	}
	r.m.Leave(r.player, dropped)
	matchAttr, playerAttr := slog.String("match", r.m.ID()), slog.Uint64("player", uint64(r.player.ID()))
	if dropped {
		h.opts.Logger.Info("player dropped: the seat is held for the grace period", matchAttr, playerAttr)
	} else {
		h.opts.Logger.Info("player left", matchAttr, playerAttr)
	}
}

// Close waits until every connection and its writing have ended, or ctx is
// done. The matches close their players first (their Stop), which ends the
// connections.
func (h *Handler) Close(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		h.wg.Wait()
		h.pool.close() // after the sessions: their last words go through it
		h.stopLoops()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("ws: close: %w", ctx.Err())
	}
}

// admitAside runs the admission on a goroutine of its own and waits for it.
// Admission checks signatures (the identity, the join token): deep calls
// that grow a goroutine's stack, and the reader that made them would keep
// the grown stack for the whole connection (measured: 4 KB more stack per
// player at 512 players). A throwaway goroutine takes that growth with it.
func (h *Handler) admitAside(hello protocol.Hello, s *session) (*match.Match, *match.Player, error) {
	type admitted struct {
		m   *match.Match
		p   *match.Player
		err error
	}
	done := make(chan admitted, 1)
	go func() {
		m, p, err := h.admit.Admit(hello, s, s.done)
		done <- admitted{m, p, err}
	}()
	a := <-done
	return a.m, a.p, a.err
}
