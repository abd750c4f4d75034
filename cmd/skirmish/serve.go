package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/matchmaking"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/matchapi"
)

// runServe runs the all-in-one server until ctx is cancelled (SIGINT or
// SIGTERM), then drains: matches close their players with 1001 and the
// process waits for them, bounded by -shutdown-timeout.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("skirmish serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", ":8080", "address to listen on")
	snapshotRate := fs.Int("snapshot-rate", 30, "snapshots per second sent to each client")
	seed := fs.Uint64("seed", 0, "seed for match worlds (0: random per match)")
	shutdownTimeout := fs.Duration("shutdown-timeout", 10*time.Second, "how long to wait for connections to close on shutdown")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn or error")
	withMM := fs.Bool("matchmaking", true, "players queue through the embedded matchmaker (false: first match with a free seat)")
	capacity := fs.Int("capacity", 1024, "seats this host runs at most, over all its matches")
	grace := fs.Duration("grace", 30*time.Second, "how long a dropped player keeps its seat")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "skirmish serve: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(stderr, "skirmish serve: bad -log-level: %v\n", err)
		return 2
	}
	if *snapshotRate <= 0 {
		fmt.Fprintln(stderr, "skirmish serve: -snapshot-rate must be positive")
		return 2
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	opts := &server.Options{
		SnapshotRate: *snapshotRate,
		Seed:         *seed,
		ResumeGrace:  *grace,
		Logger:       logger,
	}
	mmCtx, stopMM := context.WithCancel(context.Background())
	defer stopMM()
	var mm *matchmaking.Matchmaker
	var srv *server.Server
	if *withMM {
		var err error
		mm, err = newMatchmaker(opts, logger, func(a matchmaking.MatchAssignment) {
			if err := srv.Expect(a); err != nil {
				logger.Warn("assignment refused", "match", a.MatchID, "err", err)
			}
		})
		if err != nil {
			fmt.Fprintf(stderr, "skirmish serve: %v\n", err)
			return 1
		}
	}
	srv, err := server.New(arena.New(nil), opts)
	if err != nil {
		fmt.Fprintf(stderr, "skirmish serve: %v\n", err)
		return 1
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "skirmish serve: %v\n", err)
		return 1
	}
	mux := http.NewServeMux()
	mux.Handle("/", srv.Handler())
	if mm != nil {
		host := matchmaking.Host{ID: localHostID, URL: publicURL(ln.Addr()), Capacity: *capacity}
		if err := mm.Directory().Heartbeat(mmCtx, srv.Report(host)); err != nil {
			fmt.Fprintf(stderr, "skirmish serve: register the local host: %v\n", err)
			return 1
		}
		go srv.Heartbeat(mmCtx, mm.Directory(), host, time.Second)
		go mm.Run(mmCtx)
		matchapi.New(mm, &matchapi.Options{LocalHostID: localHostID, Logger: logger}).Register(mux)
	}
	hs := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	logger.Info("serving", "addr", ln.Addr().String(), "ws", fmt.Sprintf("ws://%s/ws", ln.Addr()))
	fmt.Fprintf(stdout, "skirmish: listening on %s\n", ln.Addr())

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		fmt.Fprintf(stderr, "skirmish serve: %v\n", err)
		return 1
	case <-ctx.Done():
	}

	logger.Info("shutting down")
	stopMM()
	sctx, cancel := context.WithTimeout(context.Background(), *shutdownTimeout)
	defer cancel()
	code := 0
	// Stop taking connections first, then close the matches: hijacked
	// WebSocket connections are not tracked by http.Server.
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Warn("http shutdown", "err", err)
		code = 1
	}
	if err := srv.Close(sctx); err != nil {
		logger.Warn("match shutdown", "err", err)
		code = 1
	}
	return code
}
