package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	iofs "io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"time"

	"github.com/skirmishgg/skirmish/server"
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
	webDir := fs.String("web", "bin/web", "directory of the browser client build (make web), served at /; empty: none")
	adminAddr := fs.String("admin-addr", "", "address for operators: /metrics and /debug/pprof (empty: off; /metrics is also on -addr)")
	maxPlayers := fs.Int("max-players", 16, "players per match without matchmaking (-matchmaking=false)")
	grace := fs.Duration("grace", 30*time.Second, "how long a dropped player keeps its seat")
	viewSize := fs.String("view", "2000x1200", "area each client is sent, WIDTHxHEIGHT in world units around its player (interest management); 'all' sends everything")
	gcPercent := fs.Int("gc-percent", 50, "the garbage collector's heap growth target (GOGC): a server's heap is mostly long-lived player state and it allocates little while playing, so a low target costs little CPU and keeps memory per player small; the GOGC environment variable, when set, wins")
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
	if _, set := os.LookupEnv("GOGC"); !set && *gcPercent > 0 {
		debug.SetGCPercent(*gcPercent)
	}

	if *maxPlayers <= 0 || *maxPlayers > 1024 {
		fmt.Fprintln(stderr, "skirmish serve: -max-players must be in 1..1024")
		return 2
	}
	interest, err := parseView(*viewSize)
	if err != nil {
		fmt.Fprintf(stderr, "skirmish serve: bad -view: %v\n", err)
		return 2
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "skirmish serve: %v\n", err)
		return 1
	}
	st, err := newStack(stackConfig{
		Server: server.Options{
			SnapshotRate: *snapshotRate,
			Seed:         *seed,
			ResumeGrace:  *grace,
			Interest:     interest,
			Logger:       logger,
		},
		Matchmaking: *withMM,
		MaxPlayers:  *maxPlayers,
		Capacity:    *capacity,
		PublicURL:   publicURL(ln.Addr()),
		Web:         webFS(*webDir),
	})
	if err != nil {
		ln.Close()
		fmt.Fprintf(stderr, "skirmish serve: %v\n", err)
		return 1
	}
	hs := &http.Server{
		Handler:           st.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	logger.Info("serving", "addr", ln.Addr().String(), "ws", fmt.Sprintf("ws://%s/ws", ln.Addr()))
	fmt.Fprintf(stdout, "skirmish: listening on %s\n", ln.Addr())

	var admin *adminServer
	if *adminAddr != "" {
		if admin, err = newAdminServer(*adminAddr, st.handler, logger); err != nil {
			ln.Close()
			st.close(context.Background())
			fmt.Fprintf(stderr, "skirmish serve: %v\n", err)
			return 1
		}
		defer admin.Close()
	}
	errc := make(chan error, 2)
	go func() { errc <- hs.Serve(ln) }()
	if admin != nil {
		go func() { errc <- admin.Serve() }()
	}
	select {
	case err := <-errc:
		fmt.Fprintf(stderr, "skirmish serve: %v\n", err)
		return 1
	case <-ctx.Done():
	}

	logger.Info("shutting down")
	st.stopMatchmaking()
	sctx, cancel := context.WithTimeout(context.Background(), *shutdownTimeout)
	defer cancel()
	code := 0
	// Stop taking connections first, then close the matches: hijacked
	// WebSocket connections are not tracked by http.Server.
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Warn("http shutdown", "err", err)
		code = 1
	}
	if err := st.srv.Close(sctx); err != nil {
		logger.Warn("match shutdown", "err", err)
		code = 1
	}
	return code
}

// webFS is the browser client's build directory, nil for none.
func webFS(dir string) iofs.FS {
	if dir == "" {
		return nil
	}
	return os.DirFS(dir)
}
