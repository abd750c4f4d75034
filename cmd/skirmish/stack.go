package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"time"

	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/matchmaking"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/matchapi"
)

// stackConfig is what `skirmish serve` runs: a match server and, unless
// disabled, the embedded matchmaker that places its players.
type stackConfig struct {
	Server      server.Options
	Matchmaking bool
	MaxPlayers  int    // players per match without matchmaking; 0: the arena's default
	Capacity    int    // seats of the local host
	PublicURL   string // the local host's WebSocket URL in the directory
	// Web, when set, is a build of the browser client (make web), served
	// at / next to the game's endpoints.
	Web fs.FS
	// Arena, when set, replaces the default arena rules of every mode
	// (each mode keeps its own player count). Tests use it.
	Arena *arena.Config
}

// stack is the wired all-in-one server.
type stack struct {
	srv     *server.Server
	mm      *matchmaking.Matchmaker // nil without matchmaking
	handler http.Handler

	stopMatchmaking context.CancelFunc // stops the matchmaker and heartbeats
}

// newStack wires the server, the matchmaker and their HTTP routes, and
// starts the matchmaker's passes and the local host's heartbeats.
func newStack(cfg stackConfig) (*stack, error) {
	opts := cfg.Server
	logger := opts.Logger
	st := &stack{stopMatchmaking: func() {}}
	if cfg.Matchmaking {
		mm, err := newMatchmaker(&opts, cfg.Arena, logger, func(a matchmaking.MatchAssignment) {
			if err := st.srv.Expect(a); err != nil {
				logger.Warn("assignment refused", "match", a.MatchID, "err", err)
			}
		})
		if err != nil {
			return nil, err
		}
		st.mm = mm
	}
	var direct *arena.Config
	if cfg.MaxPlayers > 0 {
		direct = &arena.Config{MaxPlayers: cfg.MaxPlayers}
	}
	srv, err := server.New(arena.New(direct), &opts)
	if err != nil {
		return nil, err
	}
	st.srv = srv
	mux := http.NewServeMux()
	api := srv.Handler()
	root := api
	if cfg.Web != nil {
		web, err := server.WebHandler(cfg.Web)
		if err != nil && !errors.Is(err, server.ErrWebNotBuilt) {
			return nil, err
		}
		if err != nil { // still served: a page that says to run make web
			logger.Warn("no browser client at /", "err", err)
		}
		for _, p := range []string{"/ws", "/healthz", "/metrics"} {
			mux.Handle(p, api)
		}
		root = web
	}
	mux.Handle("/", root)
	st.handler = mux
	if st.mm == nil {
		return st, nil
	}

	ctx, cancel := context.WithCancel(context.Background())
	host := matchmaking.Host{ID: localHostID, URL: cfg.PublicURL, Capacity: cfg.Capacity}
	if err := st.mm.Directory().Heartbeat(ctx, srv.Report(host)); err != nil {
		cancel()
		return nil, fmt.Errorf("register the local host: %w", err)
	}
	done := make(chan struct{}, 2)
	go func() { srv.Heartbeat(ctx, st.mm.Directory(), host, time.Second); done <- struct{}{} }()
	go func() { st.mm.Run(ctx); done <- struct{}{} }()
	st.stopMatchmaking = func() {
		cancel()
		<-done
		<-done
		st.stopMatchmaking = func() {}
	}
	matchapi.New(st.mm, &matchapi.Options{LocalHostID: localHostID, Logger: logger}).Register(mux)
	return st, nil
}

// close stops everything, waiting at most until ctx ends.
func (st *stack) close(ctx context.Context) error {
	st.stopMatchmaking()
	return st.srv.Close(ctx)
}
