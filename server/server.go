package server

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/protocol"
)

var (
	errMatchEnded   = errors.New("server: match ended before the player joined")
	errSessionEnded = errors.New("server: the connection ended before the player joined")
	// ErrClosed is returned by calls on a closed Server.
	ErrClosed = errors.New("server: closed")
)

// Server hosts matches of one game and places connecting players into them:
// into the first match with a free seat, or a new match when none has one.
type Server struct {
	rules   game.Rules // of matches players are placed in without matchmaking
	opts    Options
	schemas map[game.Rules]wireSchema

	resumes sync.Map // resume token → *Match

	mu      sync.Mutex
	matches []*Match               // in creation order
	pending map[string]pendingSeat // by join token nonce: seats kept for assigned players
	closed  bool
	seq     uint64 // seeds matches when Options.Seed is set

	wg sync.WaitGroup // match loops and connection handlers

	batches batchPool   // write batch buffers of every connection
	senders *senderPool // write every session
}

// New creates a Server for rules. opts may be nil.
func New(rules game.Rules, opts *Options) (*Server, error) {
	o := opts.withDefaults()
	srv := &Server{rules: rules, opts: o, schemas: map[game.Rules]wireSchema{}, senders: newSenderPool(o.Senders)}
	srv.opts.metrics.registerGauges(srv)
	all := []game.Rules{rules}
	for _, r := range o.Modes {
		all = append(all, r)
	}
	for _, r := range all {
		// A joining player is sent the whole roster at once.
		srv.opts.ReliableQueue = max(srv.opts.ReliableQueue, 2*r.MaxPlayers()+32)
		if _, done := srv.schemas[r]; done {
			continue
		}
		ws, err := newWireSchema(r)
		if err != nil {
			return nil, err
		}
		srv.schemas[r] = ws
	}
	return srv, nil
}

// wireSchema is a game's schema as the protocol carries it.
type wireSchema struct {
	kinds  []protocol.KindSchema
	counts *protocol.FieldCounts
}

func newWireSchema(rules game.Rules) (wireSchema, error) {
	if rules.TickRate() <= 0 || rules.MaxPlayers() <= 0 {
		return wireSchema{}, fmt.Errorf("server: game %q needs a positive tick rate and player count", rules.Name())
	}
	schema := rules.Schema()
	kinds := make([]protocol.KindSchema, len(schema.Kinds))
	for i, k := range schema.Kinds {
		kinds[i] = protocol.KindSchema{Name: k.Name, Fields: k.Fields}
	}
	counts, err := protocol.NewFieldCounts(kinds)
	if err != nil {
		return wireSchema{}, fmt.Errorf("server: game %q has a schema the protocol cannot carry: %w", rules.Name(), err)
	}
	if err := wireStatic(rules.Static()).Validate(); err != nil {
		return wireSchema{}, fmt.Errorf("server: game %q has a static description the protocol cannot carry: %w", rules.Name(), err)
	}
	return wireSchema{kinds: kinds, counts: counts}, nil
}

// wireStatic is a game's static description as Welcome carries it.
func wireStatic(st game.Static) protocol.Static {
	w := protocol.Static{Bounds: protocol.Rect(st.Bounds), Walls: make([]protocol.Rect, len(st.Walls)), Params: make([]protocol.Param, len(st.Params))}
	for i, r := range st.Walls {
		w.Walls[i] = protocol.Rect(r)
	}
	for i, p := range st.Params {
		w.Params[i] = protocol.Param(p)
	}
	return w
}

// Handler serves /ws (players) and /healthz (liveness).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ws", s.serveWS)
	mux.Handle("GET /metrics", s.opts.metrics.handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	return mux
}

// Matches returns the counters of every running match.
func (s *Server) Matches() []MatchStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]MatchStats, 0, len(s.matches))
	for _, m := range s.matches {
		out = append(out, m.Stats())
	}
	return out
}

// Close stops every match, closing players' connections with 1001, and waits
// until every match loop and connection has ended or ctx is done.
func (s *Server) Close(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	for _, m := range s.matches {
		m.stop()
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		s.senders.close() // after the sessions: their last words go through them
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("server: close: %w", ctx.Err())
	}
}

// place reserves a seat for a new player: in the first match with a free
// seat, or in a new match.
func (s *Server) place() (*Match, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	for _, m := range s.matches {
		if m.reserve() {
			return m, nil
		}
	}
	m := s.startLocked(newMatchID(), "", s.rules)
	m.reserve()
	return m, nil
}

// startLocked creates a match and starts its loop. s.mu is held.
func (s *Server) startLocked(id, mode string, rules game.Rules) *Match {
	m := newMatch(id, rules, s.nextSeed(), &s.opts, s.schemas[rules], &s.resumes)
	m.mode = mode
	s.matches = append(s.matches, m)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		m.run()
		s.forget(m)
	}()
	return m
}

// findLocked returns the running match with an ID, or nil. s.mu is held.
func (s *Server) findLocked(id string) *Match {
	for _, m := range s.matches {
		if m.id == id {
			return m
		}
	}
	return nil
}

func (s *Server) forget(m *Match) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, o := range s.matches {
		if o == m {
			s.matches = append(s.matches[:i], s.matches[i+1:]...)
			return
		}
	}
}

func (s *Server) nextSeed() uint64 {
	if s.opts.Seed != 0 {
		s.seq++
		return s.opts.Seed + s.seq
	}
	var b [8]byte
	rand.Read(b[:])
	return binary.LittleEndian.Uint64(b[:])
}

func newMatchID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// serveWS upgrades a player's connection and hands it to a goroutine of its
// own, letting this handler (and what net/http keeps for it: the request,
// its buffers) go: a player's connection lives for minutes.
func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	lean := &leanHijacker{ResponseWriter: w, batches: &s.batches}
	conn, err := websocket.Accept(lean, r, &websocket.AcceptOptions{
		CompressionMode: websocket.CompressionDisabled,
		// Browsers on other origins may play; the protocol carries no
		// ambient credentials.
		InsecureSkipVerify: true,
	})
	if err != nil {
		return // Accept has written the HTTP error
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.runSession(conn, lean.conn)
	}()
}

// runSession runs one player's connection: handshake, join, then this
// goroutine reads while the server's senders write.
func (s *Server) runSession(conn *websocket.Conn, out *batchConn) {
	defer conn.CloseNow()
	conn.SetReadLimit(protocol.MaxClientFrame)

	sess := newSession(conn, &s.opts, &s.wg)
	sess.out, sess.pool = out, s.senders
	defer sess.end()
	var buf []byte // grows to the largest message read, at most MaxClientFrame+1
	hello, buf, err := sess.readHello(buf)
	if err != nil {
		return
	}
	sess.name = hello.Name

	m, err := s.admit(sess, hello.Resume)
	if err != nil {
		sess.closeWith(admitCloseCode(err))
		return
	}
	defer func() {
		sess.end()
		sess.stopSending()
	}()
	sess.match.Store(m)
	dropped := sess.readLoop(buf, m)
	m.leave(sess, dropped)
}

// admit seats a player who said Hello: back in its held seat when the
// token resumes one; else in the match its join token names, with
// matchmaking; else in the first match with a free seat.
func (s *Server) admit(sess *session, token string) (*Match, error) {
	if token != "" {
		if _, held := s.resumes.Load(token); held || s.opts.Seats == nil {
			return s.resume(sess, token)
		}
		return s.joinWithToken(sess, token)
	}
	if s.opts.Seats != nil {
		return nil, errTokenRequired
	}
	return s.join(sess)
}

// admitCloseCode maps an admission failure to the close the client gets.
func admitCloseCode(err error) (int, string) {
	switch {
	case errors.Is(err, ErrClosed):
		return protocol.CloseGoingAway, "server shutting down"
	case errors.Is(err, errUnknownResume):
		return protocol.CloseBadResume, "unknown or expired resume token"
	case errors.Is(err, errTokenRequired):
		return protocol.CloseBadToken, "a join token is required: queue with the matchmaker first"
	case errors.Is(err, errBadToken):
		return protocol.CloseBadToken, protocol.Truncate(err.Error(), protocol.MaxCloseReason)
	default:
		return protocol.CloseTryAgainLater, "no match could take the player"
	}
}

// resume gives a held seat back to a reconnecting player.
func (s *Server) resume(sess *session, token string) (*Match, error) {
	v, ok := s.resumes.Load(token)
	if !ok {
		return nil, errUnknownResume
	}
	m := v.(*Match)
	sess.resume, sess.resuming = token, true
	return m, s.handOver(m, sess)
}

// join places the session in a match and waits for the match to take it.
// A match that ends just as the player arrives is retried with another.
func (s *Server) join(sess *session) (*Match, error) {
	for range 3 {
		m, err := s.place()
		if err != nil {
			return nil, err
		}
		sess.resume = newResumeToken()
		s.resumes.Store(sess.resume, m)
		err = s.handOver(m, sess)
		if err == nil {
			return m, nil
		}
		s.resumes.Delete(sess.resume)
		if !errors.Is(err, errMatchEnded) {
			return nil, err
		}
	}
	return nil, errMatchEnded
}

// handOver sends the session to the match's loop and waits for its answer.
func (s *Server) handOver(m *Match, sess *session) error {
	select {
	case m.joins <- sess:
	case <-m.done:
		return errMatchEnded
	case <-sess.done:
		return errSessionEnded
	}
	select {
	case err := <-sess.joined:
		return err
	case <-m.done:
		// The loop may have answered just before it ended.
		select {
		case err := <-sess.joined:
			return err
		default:
			return errMatchEnded
		}
	case <-sess.done:
		return errSessionEnded
	}
}
