// Package setup builds a Skirmish server for a set of games: the match
// host (server), the embedded matchmaker placing players on it, and the
// HTTP routes of both, with the browser client at / when there is a build
// of it. `skirmish serve` and every test that needs "a real server" build
// theirs with it; it names no concrete game: the caller brings the games.
package setup

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/matchmaking"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/identity"
	"github.com/skirmishgg/skirmish/server/matchapi"
	"github.com/skirmishgg/skirmish/server/web"
)

// LocalHostID names the match host inside an all-in-one server in its
// matchmaker's directory.
const LocalHostID = "local"

// heartbeatEvery is how often the local host reports its load to the
// embedded matchmaker's directory.
const heartbeatEvery = time.Second

// Options is what to build.
type Options struct {
	// Server configures the match host. Its Modes and Tokens are set by
	// New from Modes.
	Server server.Options
	// Direct is the game players without matchmaking play (Modes empty):
	// each joins the first match with a free seat. Required then.
	Direct game.Rules
	// Modes, when any, makes players queue through the embedded
	// matchmaker, which places them in matches of these modes.
	Modes []game.Mode
	// Capacity is the seats the local host runs at most. Default 1024.
	Capacity int
	// PublicURL is the local host's WebSocket URL in the directory.
	PublicURL string
	// Web, when set, is a build of the browser client (make web), served
	// at / next to the game's endpoints.
	Web fs.FS
	// HostName is the "host" attribute of every log line. Default the
	// machine's name.
	HostName string
	// Queue configures the queue socket's limits (rate, tickets per
	// address); its LocalHostID and Logger are set by New, its
	// ClaimWindow defaults to Server.Limits.ClaimWindow.
	Queue matchapi.Options
	// RetainedTickets caps the finished tickets kept for status lookups
	// (matchmaking.Options.RetainedTickets). Default 10000.
	RetainedTickets int
	// Identity says who players are: every player needs an identity
	// (POST /v1/auth/guest, or the backend's JWT), with or without
	// matchmaking.
	Identity IdentityOptions
	// TokenKey signs join tokens and guest identities. Default: a fresh
	// key at each start, so guests are good until the server restarts
	// (clients then fetch new ones); serve -token-key keeps them.
	TokenKey ed25519.PrivateKey
}

// Stack is a built all-in-one server.
type Stack struct {
	Server *server.Server
	// Matchmaker is nil without matchmaking.
	Matchmaker *matchmaking.Matchmaker
	// Handler serves every route: /ws, /healthz, /metrics, the
	// matchmaker's /v1/matchmaking/..., and the browser client at /.
	Handler http.Handler

	stopMatchmaking context.CancelFunc // stops the matchmaker and heartbeats
}

// New builds the server, the matchmaker and their HTTP routes, and starts
// the matchmaker's passes and the local host's heartbeats.
func New(opts Options) (*Stack, error) {
	o := opts.Server
	logger := o.Logger
	if logger == nil {
		logger = slog.Default()
	}
	if opts.HostName == "" {
		opts.HostName, _ = os.Hostname()
	}
	logger = logger.With("host", opts.HostName)
	o.Logger = logger
	if opts.Capacity <= 0 {
		opts.Capacity = 1024
	}
	if o.Limits.Capacity <= 0 {
		o.Limits.Capacity = opts.Capacity // direct placement's cap; the matchmaker keeps its own
	}
	st := &Stack{stopMatchmaking: func() {}}
	if o.Registry == nil {
		o.Registry = newRegistry()
	}
	// One key signs the join tokens and the guest identities (under
	// their own domains), as a cluster's -token-key does.
	key := opts.TokenKey
	if key == nil {
		var err error
		if _, key, err = ed25519.GenerateKey(rand.Reader); err != nil {
			return nil, fmt.Errorf("setup: token key: %w", err)
		}
	}
	signer, err := matchmaking.NewTokenSigner(key, nil)
	if err != nil {
		return nil, err
	}
	issuer, err := identity.NewIssuer(key, opts.Identity.GuestTTL, nil)
	if err != nil {
		return nil, err
	}
	if o.Identities, err = identity.NewVerifier([]ed25519.PublicKey{issuer.PublicKey()}, opts.Identity.JWT); err != nil {
		return nil, err
	}
	direct := opts.Direct
	if len(opts.Modes) > 0 {
		mm, err := newMatchmaker(&o, opts.Modes, signer, opts.RetainedTickets, logger, func(a matchmaking.MatchAssignment) {
			if err := st.Server.Expect(a); err != nil {
				logger.Warn("assignment refused", "match", a.MatchID, "err", err)
			}
		})
		if err != nil {
			return nil, err
		}
		st.Matchmaker = mm
		o.Registry.MustRegister(matchapi.NewCollector(mm))
		if direct == nil {
			direct = opts.Modes[0].Rules // no player gets in without a token
		}
	}
	if direct == nil {
		return nil, errors.New("setup: no game: set Direct or Modes")
	}
	srv, err := server.New(direct, &o)
	if err != nil {
		return nil, err
	}
	st.Server = srv
	mux := http.NewServeMux()
	api := srv.Handler()
	root := api
	if opts.Web != nil {
		page, err := web.Handler(opts.Web)
		if err != nil && !errors.Is(err, web.ErrNotBuilt) {
			return nil, err
		}
		if err != nil { // still served: a page that says to run make web
			logger.Warn("no browser client at /", "err", err)
		}
		for _, p := range []string{"/ws", "/healthz", "/readyz", "/metrics", "/replays/", "/v1/matches"} {
			mux.Handle(p, api)
		}
		root = page
	}
	mux.Handle("/", root)
	matchapi.NewAuth(matchapi.AuthOptions{Issuer: issuer, GuestRate: opts.Identity.GuestRate, Logger: logger}).Register(mux)
	st.Handler = mux
	srv.MarkReady() // it takes matches as soon as it is built
	if st.Matchmaker == nil {
		return st, nil
	}

	ctx, cancel := context.WithCancel(context.Background())
	host := matchmaking.Host{ID: LocalHostID, URL: opts.PublicURL, Capacity: opts.Capacity}
	if err := st.Matchmaker.Directory().Heartbeat(ctx, srv.Report(host)); err != nil {
		cancel()
		return nil, fmt.Errorf("setup: register the local host: %w", err)
	}
	done := make(chan struct{}, 2)
	go func() { srv.Heartbeat(ctx, st.Matchmaker.Directory(), host, heartbeatEvery); done <- struct{}{} }()
	go func() { st.Matchmaker.Run(ctx); done <- struct{}{} }()
	st.stopMatchmaking = func() {
		cancel()
		<-done
		<-done
		st.stopMatchmaking = func() {}
	}
	q := opts.Queue
	q.LocalHostID, q.Logger, q.Identities = LocalHostID, logger, o.Identities
	q.OriginPatterns = o.AllowedOrigins
	if q.ClaimWindow <= 0 {
		q.ClaimWindow = o.Limits.ClaimWindow
	}
	matchapi.New(st.Matchmaker, &q).Register(mux)
	return st, nil
}

// newMatchmaker builds the embedded matchmaker for modes and makes the
// server admit players by its join tokens into each mode's rules.
func newMatchmaker(opts *server.Options, modes []game.Mode, signer *matchmaking.TokenSigner, retained int, logger *slog.Logger, onAssign func(matchmaking.MatchAssignment)) (*matchmaking.Matchmaker, error) {
	opts.Modes = modeRules(modes)
	mm, err := matchmaking.New(&matchmaking.Options{Modes: modeConfigs(modes), Signer: signer, OnAssign: onAssign, RetainedTickets: retained, Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("setup: matchmaker: %w", err)
	}
	opts.Tokens = mm.Verifier()
	return mm, nil
}

// Registerer receives the metrics of what serves the stack (its
// listener), next to its own.
func (st *Stack) Registerer() prometheus.Registerer { return st.Server.Registry() }

// Routes is the stack's HTTP handler.
func (st *Stack) Routes() http.Handler { return st.Handler }

// Drain stops the embedded matchmaker and lets the running matches finish
// (see server.Server.Drain).
func (st *Stack) Drain(ctx context.Context) error {
	st.StopMatchmaking()
	return st.Server.Drain(ctx)
}

// StopMatchmaking stops the matchmaker's passes and the local host's
// heartbeats: the first step of a shutdown. Idempotent.
func (st *Stack) StopMatchmaking() { st.stopMatchmaking() }

// Close stops everything, waiting at most until ctx ends.
func (st *Stack) Close(ctx context.Context) error {
	st.StopMatchmaking()
	return st.Server.Close(ctx)
}

// modeConfig is a game mode as the matchmaker queues for it.
func modeConfig(m game.Mode) matchmaking.ModeConfig {
	return matchmaking.ModeConfig{
		Name:          m.Name,
		MaxPlayers:    m.Rules.MaxPlayers(),
		MinPlayers:    m.MinPlayers,
		FullMatchWait: time.Duration(m.StartShortAfterSeconds) * time.Second,
	}
}

// modeRules maps mode names to the rules their matches play.
func modeRules(modes []game.Mode) map[string]game.Rules {
	rules := map[string]game.Rules{}
	for _, m := range modes {
		rules[m.Name] = m.Rules
	}
	return rules
}
