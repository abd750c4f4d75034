package play

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/client/clientnet"
	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/protocol"
)

// Status is where a Session stands.
type Status int

// Session statuses, in the order a session goes through them.
const (
	StatusConnecting Status = iota // dialing and handshaking
	StatusQueued                   // in the matchmaker's queue, waiting for players
	StatusJoined                   // welcomed into a match, no snapshot yet
	StatusPlaying                  // snapshots are coming
	StatusEnded                    // the match ended (MatchEnd received)
	StatusFailed                   // the connection failed or was refused
	StatusClosed                   // closed by Close
)

var statusNames = [...]string{"connecting", "queued", "joined", "playing", "ended", "failed", "closed"}

func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Config configures a Session.
type Config struct {
	// URL is the server's WebSocket endpoint, ws://host:port/ws.
	URL string
	// Name is the player's display name ("": the server picks one).
	Name string
	// Rules must be the server's game rules: they draw the walls, place
	// bullets and predict movement. Default arena.New(nil), what `skirmish
	// serve` runs.
	Rules *arena.Rules
	// InterpDelay is the least delay other players are drawn in the past
	// (the Client's Interpolator adapts it to the jitter above that).
	// Default clientnet's, two snapshot intervals at least.
	InterpDelay time.Duration
	// HandshakeTimeout bounds connecting. Default 5s.
	HandshakeTimeout time.Duration
	// Mode is the matchmaker mode to queue for when the server admits
	// players only through its matchmaker (default "ffa", the free-for-all
	// `skirmish serve` offers).
	Mode string
	// Queue goes to the matchmaker at once instead of first trying to join
	// the server directly (a server with a matchmaker refuses direct joins
	// with close status 4005, and the session then queues anyway).
	Queue bool
	// MatchSize is how many players a match of Mode takes, to tell the
	// players queued ahead who will be match-mates from those who will
	// play before (default: 16 for "ffa", 2 for "duel", else 16).
	MatchSize int
	// Stall configures how soon a silent connection shows as stalled and
	// is given up on for a resume on a new one (clientnet's StallAfter
	// and StallReconnect). Defaults 500ms and 2.5s, under the server's 5s
	// acknowledgement timeout.
	StallAfter, StallReconnect time.Duration
	// Grace is how long after a drop the seat can still be resumed (the
	// server's grace period); past it the session stops retrying and
	// finds a new match. Default 30s, what `skirmish serve` keeps.
	Grace time.Duration
	// Spectate, when set, watches the running match of that ID instead
	// of playing (a link: -spectate, ?spectate=): no seat, no input, the
	// server's delay; AnyMatch watches the busiest match the server
	// lists. Default "": play.
	Spectate string
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// Party, when set, is a party's invite code (POST /v1/parties): the
	// session joins the party and queues with it, in the party's mode.
	// The leader queues the party; every other member waits for that.
	Party string
	// Identities keeps the player's guest identity across restarts.
	// Default clientnet.DefaultIdentityStore(): a file in the user's
	// configuration directory natively, localStorage in the browser.
	Identities clientnet.IdentityStore
}

func (c Config) withDefaults() Config {
	if c.Rules == nil {
		c.Rules = arena.New(nil)
	}
	if c.HandshakeTimeout <= 0 {
		c.HandshakeTimeout = 5 * time.Second
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Identities == nil {
		c.Identities = clientnet.DefaultIdentityStore()
	}
	if c.Mode == "" {
		c.Mode = "ffa"
	}
	if c.MatchSize <= 0 {
		c.MatchSize = 16
		if c.Mode == "duel" {
			c.MatchSize = 2
		}
	}
	if c.StallAfter == 0 {
		c.StallAfter = 500 * time.Millisecond
	}
	if c.StallReconnect == 0 {
		c.StallReconnect = 2500 * time.Millisecond
	}
	if c.Grace <= 0 {
		c.Grace = 30 * time.Second
	}
	return c
}

// Session is one player's stay in one match, on a clientnet.Client: the
// Client dials (through the server's matchmaker when it has one), reads,
// pings, reconnects to the held seat after a drop, interpolates the other
// players and predicts the player's own movement with the arena's code;
// the Session adds a sender goroutine that sends the current controls once
// per simulation step, and keeps what the screens need: names, events for
// the effects, the end of the match. Every method is safe for concurrent
// use; the renderer calls SetInput and Sample once a frame.
type Session struct {
	cfg    Config
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	mu           sync.Mutex
	status       Status
	err          error
	client       *clientnet.Client
	welcome      protocol.Welcome
	arena        Arena // from welcome
	names        map[uint32]string
	roster       map[uint32]*rosterEntry
	end          protocol.MatchEnd
	ended        bool
	events       []protocol.Event // received, not yet reached by the render tick
	ctl          game.Input       // latest controls
	fire         bool             // fire latched until an input carries it
	started      time.Time
	joinedAt     time.Time
	firstAt      time.Time // first snapshot
	closing      bool
	queued       bool               // went through the matchmaker
	identity     clientnet.Identity // the player's, fetched once and kept
	queue        protocol.QueueStatus
	reconnecting bool
	connected    bool          // a connection was made (the first dial succeeded)
	over         chan struct{} // closed at MatchEnd
	queuedAt     time.Time     // when the player joined the matchmaker's queue
	stalled      bool
	stallSince   time.Time // the last snapshot before the stall
	attempt      int       // reconnecting: failed dials so far
	lostAt       time.Time // reconnecting: when the connection was lost
	goingAway    bool      // the server said it was shutting down (1001)
	notice       string    // why the session is looking for a new match
	rejoins      int
	follow       uint32        // spectating: the player the camera follows (0: none)
	delay        time.Duration // spectating: how far behind the match the snapshots run

	ents []clientnet.Sampled // Sample's scratch
}

// maxQueuedEvents bounds the events waiting for the render tick; older ones
// are dropped (effects only).
const maxQueuedEvents = 1024

// Start connects to cfg.URL in the background and plays until the match
// ends, the connection fails for good, ctx is done or Close is called.
func Start(ctx context.Context, cfg Config) *Session {
	cfg = cfg.withDefaults()
	ctx, cancel := context.WithCancel(ctx)
	s := &Session{
		cfg:     cfg,
		ctx:     ctx,
		cancel:  cancel,
		done:    make(chan struct{}),
		names:   map[uint32]string{},
		roster:  map[uint32]*rosterEntry{},
		started: cfg.Now(),
		over:    make(chan struct{}),
	}
	go s.run()
	return s
}

// AnyMatch is Config.Spectate for "the busiest match the server runs".
const AnyMatch = "*"

// errNoMatchToWatch: the server lists no match that takes spectators.
var errNoMatchToWatch = errors.New("play: no match to watch")

// pickMatch returns the ID of the spectatable match with the most players
// on the session's server.
func (s *Session) pickMatch() (string, error) {
	ctx, cancel := context.WithTimeout(s.ctx, s.cfg.HandshakeTimeout)
	defer cancel()
	list, err := clientnet.ListMatches(ctx, s.cfg.URL)
	if err != nil {
		return "", err
	}
	best := -1
	for i, m := range list {
		if m.Spectatable && (best < 0 || m.Players > list[best].Players) {
			best = i
		}
	}
	if best < 0 {
		return "", errNoMatchToWatch
	}
	return list[best].ID, nil
}

// errNeedsQueue: the server admits players only through its matchmaker.
var errNeedsQueue = errors.New("play: the server wants a matchmaker ticket")

func (s *Session) run() {
	defer close(s.done)
	defer s.cancel()
	resume, url, watch := "", s.cfg.URL, s.cfg.Spectate
	if err := s.identify(); err != nil {
		s.finish(err)
		return
	}
	refetched := false // a refused identity is replaced once
	if watch == AnyMatch {
		var err error
		if watch, err = s.pickMatch(); err != nil {
			s.finish(err)
			return
		}
	}
	if (s.cfg.Queue || s.cfg.Party != "") && watch == "" {
		var err error
		if url, resume, err = s.enqueue(); err != nil {
			s.finish(err)
			return
		}
	}
	for {
		err := s.play(url, resume, watch)
		switch {
		case clientnet.IdentityRefused(err) && !refetched:
			// The server no longer knows this identity (it restarted
			// with a new key): get a new one and start over.
			refetched = true
			if err = s.reidentify(); err != nil {
				s.finish(err)
				return
			}
			resume, url = "", s.cfg.URL
			if s.isConnected() { // the match is lost with it
				if url, resume, err = s.rejoin(err); err != nil {
					s.finish(err)
					return
				}
			}
			continue
		case errors.Is(err, errNeedsQueue) && resume == "" && s.cfg.Spectate == "":
			if url, resume, err = s.enqueue(); err != nil {
				s.finish(err)
				return
			}
			continue
		case s.lost(err):
			// The seat or the match is gone: say so, and find a new one
			// the way this one was found.
			if url, resume, err = s.rejoin(err); err != nil {
				s.finish(err)
				return
			}
			continue
		}
		s.finish(err)
		return
	}
}

// identify gets the player's guest identity: the one kept from an earlier
// run, or a new one from the server.
func (s *Session) identify() error {
	id, err := clientnet.Guest(s.ctx, s.cfg.URL, s.cfg.Identities)
	if errors.Is(err, clientnet.ErrNoGuest) {
		return fmt.Errorf("%w: %w", errNoIdentity, err)
	}
	if err != nil {
		return err // unreachable: said as for a failed dial
	}
	s.mu.Lock()
	s.identity = id
	s.mu.Unlock()
	return nil
}

// reidentify drops a refused identity and gets a new one.
func (s *Session) reidentify() error {
	slog.Info("play: the server refused the kept identity: getting a new one")
	s.cfg.Identities.Forget(clientnet.ServerKey(s.cfg.URL))
	return s.identify()
}

func (s *Session) isConnected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connected
}

// errNoIdentity: the server gave no guest identity.
var errNoIdentity = errors.New("play: no identity")

// maxRejoins bounds how many times in a row a session finds a new match
// after losing one.
const maxRejoins = 5

// lost reports whether the session lost its match while playing it (not
// by the player's choice, not at the match's end) in a way a new match
// mends: the seat was refused on resume, or the server stayed out of
// reach for the grace period.
func (s *Session) lost(err error) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing || s.ended || !s.connected || s.rejoins >= maxRejoins || s.ctx.Err() != nil || s.cfg.Spectate != "" {
		// A spectator that lost its match does not go and play one.
		return false
	}
	return errors.Is(err, clientnet.ErrSeatLost) || errors.Is(err, clientnet.ErrGaveUp)
}

// rejoin tells the player the match was lost and queues again (or joins
// directly, as before, on a server without a matchmaker).
func (s *Session) rejoin(err error) (url, token string, _ error) {
	slog.Info("play: the match was lost: finding a new one", "err", err)
	s.mu.Lock()
	s.rejoins++
	switch {
	case s.goingAway:
		s.notice = "The server restarted and your match ended — finding you a new one…"
	case errors.Is(err, clientnet.ErrGaveUp):
		s.notice = "Lost the connection to your match's server — finding you a new one…"
	default:
		s.notice = "Your seat in the match was lost — finding you a new one…"
	}
	s.resetMatch()
	queued := s.queued
	s.status = StatusConnecting
	s.mu.Unlock()
	if !queued {
		return s.cfg.URL, "", nil
	}
	return s.enqueue()
}

// resetMatch forgets the lost match. s.mu held.
func (s *Session) resetMatch() {
	s.names, s.roster, s.events = map[uint32]string{}, map[uint32]*rosterEntry{}, s.events[:0]
	s.connected, s.reconnecting, s.stalled, s.goingAway = false, false, false, false
	s.attempt = 0
	s.welcome, s.arena = protocol.Welcome{}, Arena{}
	s.joinedAt, s.firstAt = time.Time{}, time.Time{}
}

// enqueue waits in the server's matchmaking queue and returns where to
// play and with which token. An identity the matchmaker refuses (it
// restarted with a new key) is replaced once.
func (s *Session) enqueue() (url, token string, err error) {
	url, token, err = s.enqueueOnce()
	if clientnet.IdentityRefused(err) {
		if err = s.reidentify(); err == nil {
			url, token, err = s.enqueueOnce()
		}
	}
	return url, token, err
}

func (s *Session) enqueueOnce() (url, token string, err error) {
	queueURL, err := clientnet.QueueURL(s.cfg.URL)
	if err != nil {
		return "", "", err
	}
	s.mu.Lock()
	s.status, s.queued, s.queuedAt = StatusQueued, true, s.cfg.Now()
	s.queue = protocol.QueueStatus{}
	s.mu.Unlock()
	s.mu.Lock()
	id := s.identity
	s.mu.Unlock()
	mode := s.cfg.Mode
	if s.cfg.Party != "" {
		// Joining again is harmless (the leader is a member already).
		p, err := clientnet.JoinParty(s.ctx, s.cfg.URL, id.Token, s.cfg.Party, s.cfg.Name)
		if err != nil {
			return "", "", err
		}
		mode = p.Mode
	}
	a, err := clientnet.Queue(s.ctx, queueURL, clientnet.QueueRequest{
		Mode:     mode,
		Skill:    1500,
		Identity: id.Token,
		Name:     s.cfg.Name,
		Party:    s.cfg.Party,
	}, func(st protocol.QueueStatus) {
		s.mu.Lock()
		s.queue = st
		s.mu.Unlock()
	})
	if err != nil {
		return "", "", err
	}
	return a.HostURL, a.TokenFor(id.Player), nil
}

// play runs a clientnet.Client on url until the session ends. It returns
// errNeedsQueue when the server refuses a player without a matchmaker
// ticket, and the Client's final error otherwise.
func (s *Session) play(url, token, watch string) error {
	firstFail := make(chan error, 1)
	online, stopOnline := networkBack()
	defer stopOnline()
	c := clientnet.Open(s.ctx, url, &clientnet.ClientOptions{
		Dial: clientnet.DialOptions{
			Name:             s.cfg.Name,
			Resume:           token,
			Identity:         s.identityToken(),
			Spectate:         watch,
			HandshakeTimeout: s.cfg.HandshakeTimeout,
			Now:              s.cfg.Now,
		},
		Game:           s.cfg.Rules,
		Interp:         &clientnet.InterpOptions{MinDelay: s.cfg.InterpDelay},
		BackoffMax:     2 * time.Second,
		GiveUpAfter:    s.cfg.Grace,
		StallAfter:     s.cfg.StallAfter,
		StallReconnect: s.cfg.StallReconnect,
		Retry:          online,
		// A debugging aid: the session's prediction log, for `skirmish
		// replay -prediction LOG -against RECORDING` (native only).
		PredictionLog: os.Getenv("SKIRMISH_PREDICTION_LOG"),
		OnState: func(st clientnet.StateChange) {
			s.mu.Lock()
			defer s.mu.Unlock()
			switch st.State {
			case clientnet.StateStalled:
				s.stalled, s.stallSince = true, st.Since
			case clientnet.StateConnected:
				s.connected, s.reconnecting, s.stalled = true, false, false
				s.attempt, s.notice = 0, ""
				s.welcome.Player, s.welcome.Match = st.Player, st.Match
				if s.status == StatusConnecting || s.status == StatusQueued {
					s.status = StatusJoined
					s.joinedAt = s.cfg.Now()
				}
			case clientnet.StateReconnecting:
				if !s.connected {
					// The first dial failed: say so rather than retry
					// a mistyped address; a matchmaker's refusal means
					// queueing first.
					err := st.Err
					if token == "" && wantsTicket(err) {
						err = errNeedsQueue
					}
					select {
					case firstFail <- err:
					default:
					}
					return
				}
				if !s.reconnecting {
					slog.Info("play: connection lost: resuming the seat", "err", st.Err)
				}
				if websocket.CloseStatus(st.Err) == protocol.CloseGoingAway {
					s.goingAway = true
				}
				s.reconnecting, s.stalled, s.attempt, s.lostAt = true, false, st.Attempt, st.Since
			}
		},
		OnMessage: s.handle,
	})
	s.mu.Lock()
	s.client = c
	closing := s.closing
	s.mu.Unlock()
	if closing {
		c.Close()
		return nil
	}

	stopSend := make(chan struct{})
	var wg sync.WaitGroup
	if s.cfg.Spectate == "" { // a spectator sends no input
		wg.Go(func() { s.send(c, stopSend) })
	}
	defer func() {
		close(stopSend)
		wg.Wait()
	}()
	select {
	case <-c.Done():
		return c.Err()
	case err := <-firstFail:
		c.Close()
		return err
	case <-s.over:
		// The match is over: the server closes the connection, and the
		// Client must not try to take the seat back.
		c.Close()
		return nil
	}
}

// wantsTicket reports whether a failed first join means the server admits
// players only through its matchmaker: it closed with 4005. Browsers do
// not hand the close status of a handshake over to Go (the WebSocket
// library reports a closed connection), so there a connection the server
// accepted and then closed during the handshake counts too.
func wantsTicket(err error) bool {
	switch websocket.CloseStatus(err) {
	case protocol.CloseBadToken:
		return true
	case -1:
		return runtime.GOOS == "js" && errors.Is(err, net.ErrClosed)
	}
	return false
}

// rosterEntry is one player of the match for the scoreboard. A server with
// interest management sends only the players around this one, so the
// scoreboard is kept from the reliable messages (joins, leaves, score and
// death events), and set exactly whenever a player is in view.
type rosterEntry struct {
	score, deaths int32
	here          bool
}

// handle takes the messages the screens need, on the Client's reader.
func (s *Session) handle(conn *clientnet.Conn, typ protocol.MsgType) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch typ {
	case protocol.MsgSnapshot:
		if s.status == StatusJoined {
			s.status = StatusPlaying
			s.firstAt = s.cfg.Now()
			s.setWelcome(conn.Welcome())
			s.delay, _ = conn.Spectating()
		}
		_, ents := conn.View()
		for i := range ents {
			if e := &ents[i]; e.Kind == arena.KindPlayer {
				r := s.entry(e.ID)
				r.score, r.deaths = e.Fields[arena.PlayerScore], e.Fields[arena.PlayerDeaths]
			}
		}
	case protocol.MsgEvent:
		ev := conn.Event()
		if len(s.events) >= maxQueuedEvents {
			s.events = append(s.events[:0], s.events[maxQueuedEvents/2:]...)
		}
		s.events = append(s.events, ev)
		switch game.EventKind(ev.Kind) {
		case game.EventScore:
			s.entry(ev.Actor).score = ev.Value
		case game.EventDeath:
			s.entry(ev.Target).deaths++
		}
	case protocol.MsgLeave:
		if r := s.roster[conn.Leave().Player]; r != nil {
			r.here = false
		}
	case protocol.MsgJoin:
		j := conn.Join()
		s.names[j.Player] = j.Name
		s.entry(j.Player)
		s.setWelcome(conn.Welcome())
	case protocol.MsgMatchEnd:
		if s.ended {
			break
		}
		end, _ := conn.MatchEnd()
		end.Results = append([]protocol.Result(nil), end.Results...)
		s.end, s.ended, s.status = end, true, StatusEnded
		close(s.over)
	}
	// Leave: the entity disappears from the next snapshot; the name is
	// kept for the kill feed and the results.
}

// entry returns player id's roster entry, marking it present. s.mu held.
func (s *Session) entry(id uint32) *rosterEntry {
	r := s.roster[id]
	if r == nil {
		r = &rosterEntry{}
		s.roster[id] = r
	}
	r.here = true
	return r
}

func (s *Session) identityToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.identity.Token
}

// finish records how the session ended.
func (s *Session) finish(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.ended:
		s.status = StatusEnded
	case s.closing:
		s.status = StatusClosed
	case err != nil:
		s.status, s.err = StatusFailed, err
	default:
		s.status, s.err = StatusFailed, errors.New("connection closed")
	}
}

// send sends the current controls once per simulation step until stop is
// closed: the server holds the newest input for every step, and the
// Predictor steps the player once per input.
func (s *Session) send(c *clientnet.Client, stop <-chan struct{}) {
	rate := 60
	t := time.NewTicker(time.Second / time.Duration(rate))
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-s.ctx.Done():
			return
		case <-t.C:
		}
		if w, ok := c.Welcome(); ok && int(w.TickRate) != rate && w.TickRate > 0 {
			rate = int(w.TickRate)
			t.Reset(time.Second / time.Duration(rate))
		}
		s.mu.Lock()
		if s.ended || (s.status != StatusJoined && s.status != StatusPlaying) {
			s.mu.Unlock()
			continue
		}
		in := s.ctl
		if s.fire {
			in.Buttons |= game.ButtonFire
		}
		s.mu.Unlock()
		_, err := c.SendInput(s.ctx, protocol.Input{MoveX: in.MoveX, MoveY: in.MoveY, Aim: in.Aim, Buttons: in.Buttons})
		if err == nil && in.Buttons&game.ButtonFire != 0 {
			s.mu.Lock()
			s.fire = s.ctl.Buttons&game.ButtonFire != 0 // carried: unlatch
			s.mu.Unlock()
		}
	}
}

// setWelcome keeps a connection's Welcome and the arena it describes.
// s.mu must be held.
func (s *Session) setWelcome(w protocol.Welcome) {
	s.welcome, s.arena = w, ArenaFrom(w)
}

// SetInput sets the controls the sender sends from now on. A fire press is
// latched until an input has carried it, so a click shorter than a step is
// not lost.
func (s *Session) SetInput(in game.Input) {
	s.mu.Lock()
	s.ctl = in
	if in.Buttons&game.ButtonFire != 0 {
		s.fire = true
	}
	s.mu.Unlock()
}

// Sample fills sc with the world as to draw it at now: the other players
// interpolated by the Client, the player's own position predicted, bullets
// placed by the arena's trajectory code, and the events the render moment
// reached since the last call.
func (s *Session) Sample(now time.Time, sc *Scene) {
	s.mu.Lock()
	c := s.client
	me := s.welcome.Player
	sc.Match = s.welcome.Match
	sc.Arena = s.arena
	aim := AimRadians(s.ctl.Aim)
	s.mu.Unlock()
	sc.Players = sc.Players[:0]
	sc.Bullets = sc.Bullets[:0]
	sc.Events = sc.Events[:0]
	sc.HaveMe = false
	sc.Me = me
	sc.Spectating = s.cfg.Spectate != ""
	sc.HaveFollow = false
	s.mu.Lock()
	sc.Following = s.follow
	s.mu.Unlock()
	sc.Reconnecting = false
	sc.Stalled = false
	if c == nil {
		return
	}
	rt := c.RenderTick(now)
	ip := c.Interpolator()
	if ip == nil || rt == 0 {
		return
	}
	_, newest := ip.Buffered()
	sc.Tick, sc.Render = newest, rt
	own := rt
	if clock := c.Clock(); clock != nil {
		if st, ok := clock.ServerTick(now); ok {
			own = max(rt, min(st, float64(newest)+8))
		}
	}
	self, haveSelf := c.Self(now)

	s.ents = c.Sample(now, s.ents)
	rules := s.cfg.Rules
	for i := range s.ents {
		e := &s.ents[i]
		switch e.Kind {
		case arena.KindPlayer:
			src := e
			if e.ID == me && haveSelf {
				src = &self
			}
			p := PlayerView{
				ID:     e.ID,
				X:      src.Fields[arena.PlayerX] / arena.ViewUnitsPerUnit,
				Y:      src.Fields[arena.PlayerY] / arena.ViewUnitsPerUnit,
				Aim:    src.Fields[arena.PlayerAim] / 256 * 2 * math.Pi,
				HP:     int32(math.Round(src.Fields[arena.PlayerHP])),
				Score:  int32(math.Round(src.Fields[arena.PlayerScore])),
				Deaths: int32(math.Round(src.Fields[arena.PlayerDeaths])),
				Me:     e.ID == me,
			}
			if p.Me {
				p.Aim = aim // what is being sent, not what came back
				sc.MeX, sc.MeY, sc.HaveMe = p.X, p.Y, true
			}
			if sc.Spectating && p.ID == sc.Following {
				sc.FollowX, sc.FollowY, sc.HaveFollow = p.X, p.Y, true
			}
			sc.Players = append(sc.Players, p)
		case arena.KindBullet:
			f := e.Ints()
			owner := uint32(f[arena.BulletOwner])
			at := rt
			if owner == me {
				at = own // with the predicted player, not behind it
			}
			tick0 := float64(uint32(f[arena.BulletTick0]))
			if at < tick0 {
				continue // not fired yet at that moment
			}
			pos := func(t uint32) (int32, int32) { return rules.BulletPosition(f[:], t) }
			x, y := clientnet.AtTick(at, pos)
			tx, ty := clientnet.AtTick(max(tick0, at-2.5), pos)
			sc.Bullets = append(sc.Bullets, BulletView{
				ID: e.ID, Owner: owner,
				X: x / arena.ViewUnitsPerUnit, Y: y / arena.ViewUnitsPerUnit,
				TailX: tx / arena.ViewUnitsPerUnit, TailY: ty / arena.ViewUnitsPerUnit,
			})
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range sc.Players {
		sc.Players[i].Name = s.names[sc.Players[i].ID]
	}
	sc.Roster = sc.Roster[:0]
	for id, r := range s.roster {
		if r.here && id != 0 {
			sc.Roster = append(sc.Roster, PlayerView{ID: id, Name: s.names[id], Score: r.score, Deaths: r.deaths, Me: id == me})
		}
	}
	sortStandings(sc.Roster)
	sc.Reconnecting = s.reconnecting
	sc.Stalled = s.stalled
	n := 0
	for n < len(s.events) && float64(s.events[n].Tick) <= rt {
		n++
	}
	sc.Events = append(sc.Events, s.events[:n]...)
	s.events = append(s.events[:0], s.events[n:]...)
}

// SpectateDelay is how far behind the match a spectator sees it (0 for a
// player, or before the first snapshot).
func (s *Session) SpectateDelay() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.delay
}

// FollowNext makes a spectator's camera follow the next player of the
// match by ID after the one it follows, and then none (the whole arena)
// after the last.
func (s *Session) FollowNext() {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := uint32(0)
	for id, r := range s.roster {
		if r.here && id > s.follow && (next == 0 || id < next) {
			next = id
		}
	}
	s.follow = next
}

// Name returns the display name of player id ("" if unknown).
func (s *Session) Name(id uint32) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.names[id]
}

// Names returns a copy of the known player names.
func (s *Session) Names() map[uint32]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.names)
}

// State is a Session's status at a moment.
type State struct {
	Status Status
	Err    error // why it failed (StatusFailed)
	Player uint32
	Match  string
	// JoinedAt is when the server welcomed the player and FirstSnapshot
	// when the first snapshot arrived (zero before).
	JoinedAt, FirstSnapshot time.Time
	// Queued is set when the player went through the matchmaker; Queue is
	// the last status it sent.
	Queued bool
	Queue  protocol.QueueStatus
	// Reconnecting: the connection dropped and the Client is taking the
	// seat back; Attempt is how many dials failed so far, LostAt when the
	// connection was lost.
	Reconnecting bool
	Attempt      int
	LostAt       time.Time
	// Stalled: connected, but no snapshot for a while (since StalledSince,
	// the last one); nothing is sent meanwhile.
	Stalled      bool
	StalledSince time.Time
	// QueuedAt is when the player joined the queue (the waiting screen
	// counts up from it); Ahead the players queued ahead who will play in
	// an earlier match (not the player's own match-mates).
	QueuedAt time.Time
	Ahead    int
	// Notice says, in words for the player, why the session is looking
	// for a new match ("" when it is not).
	Notice string
}

// State returns the session's status.
func (s *Session) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return State{
		Status: s.status, Err: s.err, Player: s.welcome.Player, Match: s.welcome.Match,
		JoinedAt: s.joinedAt, FirstSnapshot: s.firstAt,
		Queued: s.queued, Queue: s.queue, Reconnecting: s.reconnecting,
		Attempt: s.attempt, LostAt: s.lostAt, Stalled: s.stalled, StalledSince: s.stallSince,
		QueuedAt: s.queuedAt, Ahead: PlayersAhead(int(s.queue.Position), s.cfg.MatchSize), Notice: s.notice,
	}
}

// PlayersAhead is how many of the position players queued ahead will play
// in an earlier match than this one: matches take players in queue order,
// size at a time, so those in this player's group are match-mates, not
// players ahead.
func PlayersAhead(position, size int) int {
	if size <= 1 {
		return position
	}
	return position / size * size
}

// Results returns the final scoreboard once the match ended (ok false
// before).
func (s *Session) Results() (Results, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.ended {
		return Results{}, false
	}
	return makeResults(s.end, s.welcome.Player, s.names), true
}

// NetStats are the network figures of the HUD and the net graph.
type NetStats struct {
	clientnet.HUD
	Tick     uint32 // newest snapshot tick
	Snaps    int    // snapshots buffered for interpolation
	Pending  int    // inputs the server has not acknowledged yet
	LastPing time.Duration
}

// NetStats returns the network figures at now and records them as one
// frame of the network graph (call it once per rendered frame).
func (s *Session) NetStats(now time.Time) NetStats {
	s.mu.Lock()
	c := s.client
	s.mu.Unlock()
	if c == nil {
		return NetStats{}
	}
	st := NetStats{HUD: c.HUD(now)}
	if ip := c.Interpolator(); ip != nil {
		st.Snaps, st.Tick = ip.Buffered()
	}
	if clock := c.Clock(); clock != nil {
		st.LastPing = clock.LastRTT()
	}
	return st
}

// Graph appends the network graph's frames, oldest first, to dst[:0].
func (s *Session) Graph(dst []clientnet.GraphSample) []clientnet.GraphSample {
	s.mu.Lock()
	c := s.client
	s.mu.Unlock()
	if c == nil {
		return dst[:0]
	}
	return c.Graph(dst)
}

// Close leaves the match: the connection is closed normally (the server
// frees the seat at once) in the background. Close returns at once.
func (s *Session) Close() {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		return
	}
	s.closing = true
	c := s.client
	s.mu.Unlock()
	go func() {
		if c != nil {
			c.Close()
		}
		s.cancel()
	}()
}

// Wait waits until the session has ended or ctx is done.
func (s *Session) Wait(ctx context.Context) error {
	select {
	case <-s.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Describe turns a session error into a sentence for the menu, naming
// the cause in a player's words; the error itself, with its internal
// details, goes to the log.
func Describe(err error) string {
	return DescribeAt(err, "")
}

// DescribeAt is Describe for a server at addr (as the player typed it).
func DescribeAt(err error, addr string) string {
	if err == nil {
		return ""
	}
	slog.Info("play: session ended", "server", addr, "err", err)
	at := ""
	if addr != "" {
		at = " at " + addr
	}
	switch websocket.CloseStatus(err) {
	case protocol.CloseTryAgainLater:
		return "The server is full: try again in a moment."
	case protocol.CloseGoingAway:
		return "The server is shutting down: try again in a moment."
	case protocol.CloseBadVersion:
		return "This client does not speak the server's protocol version: reload the page or update the client."
	case protocol.CloseBadToken:
		return "The server refused the match ticket: press Play to queue again."
	case protocol.ClosePolicyViolation:
		return "The server closed the connection: it was too slow or sent too much. Press Play to try again."
	case protocol.CloseReplaced:
		return "You joined this match from another window, so this one left it."
	case protocol.CloseUnknownMatch:
		return "That match is not running on the server any more: watch another one."
	case protocol.CloseBadIdentity:
		return "The server" + at + " did not accept your identity: press Play to get a new one."
	}
	if pe, ok := errors.AsType[*clientnet.PartyError](err); ok {
		switch pe.Status {
		case http.StatusNotFound:
			return "No party has this invite code, or it expired: ask for a new one."
		case http.StatusConflict:
			return "The party is full."
		}
		return "The party was refused: " + strings.TrimSuffix(pe.Message, ".") + "."
	}
	if qe, ok := errors.AsType[*clientnet.QueueError](err); ok {
		switch qe.Code {
		case "timed_out":
			return "No match was found in time: press Play to try again."
		case "cancelled":
			return "You left the queue."
		}
		return "The matchmaker refused: " + strings.TrimSuffix(qe.Message, ".") + "."
	}
	switch {
	case errors.Is(err, errNoMatchToWatch):
		return "No match is being played right now: press Play to start one."
	case errors.Is(err, clientnet.ErrVersion):
		return "This client does not speak the server's protocol version: reload the page or update the client."
	case errors.Is(err, clientnet.ErrSeatLost):
		return "Your match is over on the server: press Play for a new one."
	case errors.Is(err, clientnet.ErrGaveUp):
		return "Lost the connection to the server" + at + " and could not get it back."
	case errors.Is(err, context.DeadlineExceeded):
		return "The server" + at + " did not answer in time."
	case errors.Is(err, errNeedsQueue):
		return "The server" + at + " wants players to queue first."
	case errors.Is(err, errNoIdentity):
		return "The server" + at + " gave no guest identity: check the address, or wait a minute and press Play."
	}
	return "Can't reach the server" + at + ": check the address and that it is running."
}
