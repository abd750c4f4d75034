package main

import (
	"crypto/ed25519"
	"flag"
	"fmt"
	"io"
	iofs "io/fs"
	"net"
	"os"
	"time"

	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/setup"
)

// runServe runs the all-in-one server with the arena until stop says to
// drain (SIGINT or SIGTERM; a second one ends the matches at once), then
// shuts down (setup.Serve).
func runServe(stop setup.Stop, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("skirmish serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", ":8080", "address to listen on")
	seed := fs.Uint64("seed", 0, "seed for match worlds (0: random per match)")
	shutdownTimeout := fs.Duration("shutdown-timeout", 10*time.Second, "how long to wait for connections to close on shutdown, after the drain")
	drainTimeout := fs.Duration("drain-timeout", 10*time.Minute, "on SIGTERM or SIGINT, how long running matches may play on before they are ended with their results kept (a second signal ends them at once)")
	withMM := fs.Bool("matchmaking", true, "players queue through the embedded matchmaker (false: first match with a free seat)")
	capacity := fs.Int("capacity", 1024, "seats this host runs at most, over all its matches")
	webDir := fs.String("web", "bin/web", "directory of the browser client build (make web), served at /; empty: none")
	adminAddr := fs.String("admin-addr", "", "address for operators, and then only there: /metrics, /debug/pprof, /v1/matchmaking/stats, tickets and matches (empty: they are on -addr, with a warning)")
	maxPlayers := fs.Int("max-players", 16, "players per match without matchmaking (-matchmaking=false)")
	tokenKey := fs.String("token-key", "", "private key file (skirmish keygen) that signs join tokens and guest identities, so that guests stay valid across restarts (empty: a new key at each start)")
	matchf := addMatchFlags(fs)
	ids := addIdentityFlags(fs, true)
	common := addCommonFlags(fs)
	netf := addNetFlags(fs)
	spec := addSpectateFlags(fs)
	guard := addGuardFlags(fs, guardServe)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := func(code int, format string, args ...any) int {
		fmt.Fprintf(stderr, "skirmish serve: "+format+"\n", args...)
		return code
	}
	if fs.NArg() > 0 {
		return fail(2, "unexpected argument %q", fs.Arg(0))
	}
	if *maxPlayers <= 0 || *maxPlayers > 1024 {
		return fail(2, "-max-players must be in 1..1024")
	}
	if err := guard.check(); err != nil {
		return fail(2, "%v", err)
	}
	if err := spec.check(); err != nil {
		return fail(2, "%v", err)
	}
	srvOpts := server.Options{Seed: *seed}
	if err := matchf.options(&srvOpts); err != nil {
		return fail(2, "%v", err)
	}
	if err := netf.check(); err != nil {
		return fail(2, "%v", err)
	}
	logger, err := common.apply(stderr)
	if err != nil {
		return fail(2, "%v", err)
	}
	idOpts, err := ids.options()
	if err != nil {
		return fail(2, "%v", err)
	}
	var key ed25519.PrivateKey
	if *tokenKey != "" {
		if key, err = setup.LoadTokenKey(*tokenKey); err != nil {
			return fail(1, "%v", err)
		}
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fail(1, "%v", err)
	}
	srvOpts.Limits, srvOpts.Logger, srvOpts.AllowedOrigins = guard.limits(*capacity), logger, netf.origins
	opts := setup.Options{
		Server: srvOpts,

		Queue:           guard.queue(),
		RetainedTickets: guard.retention(),
		Direct:          arena.New(&arena.Config{MaxPlayers: *maxPlayers}),
		Capacity:        *capacity,
		PublicURL:       netf.publicURL(ln.Addr()),
		Web:             webFS(*webDir),
		Identity:        idOpts,
		TokenKey:        key,
	}
	if *withMM {
		opts.Modes = arena.Modes(nil)
	}
	spec.apply(&opts.Server)
	st, err := setup.New(opts)
	if err != nil {
		ln.Close()
		return fail(1, "%v", err)
	}
	fmt.Fprintf(stdout, "skirmish: listening on %s\n", ln.Addr())
	so := setup.ServeOptions{AdminAddr: *adminAddr, AdminTokenFile: *guard.adminTokenFile, DrainTimeout: *drainTimeout, ShutdownTimeout: *shutdownTimeout, Logger: logger, ServeReplays: *matchf.serveReplays}
	netf.apply(&so)
	if err := setup.Serve(stop, ln, st, so); err != nil {
		return fail(1, "%v", err)
	}
	return 0
}

// webFS is the browser client's build directory, nil for none.
func webFS(dir string) iofs.FS {
	if dir == "" {
		return nil
	}
	return os.DirFS(dir)
}
