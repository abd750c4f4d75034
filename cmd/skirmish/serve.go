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
	snapshotRate := fs.Int("snapshot-rate", 30, "snapshots per second sent to each client")
	seed := fs.Uint64("seed", 0, "seed for match worlds (0: random per match)")
	shutdownTimeout := fs.Duration("shutdown-timeout", 10*time.Second, "how long to wait for connections to close on shutdown, after the drain")
	drainTimeout := fs.Duration("drain-timeout", 10*time.Minute, "on SIGTERM or SIGINT, how long running matches may play on before they are ended with their results kept (a second signal ends them at once)")
	withMM := fs.Bool("matchmaking", true, "players queue through the embedded matchmaker (false: first match with a free seat)")
	capacity := fs.Int("capacity", 1024, "seats this host runs at most, over all its matches")
	webDir := fs.String("web", "bin/web", "directory of the browser client build (make web), served at /; empty: none")
	maxRewind := fs.Duration("max-rewind", 200*time.Millisecond, "lag compensation: how far back a player's shots are judged, where its screen showed the others (its round trip plus the interpolation delay, bounded by this); 0: off")
	recordDir := fs.String("record", "", "directory to record every match into, one .skrec file each, read by skirmish replay; empty: no recordings")
	serveReplays := fs.Bool("serve-replays", false, "serve the recordings of -record at /replays/ on the player address too (a JSON listing and the files), for the browser client's replay viewer (?replay=/replays/NAME); without it they are on -admin-addr only")
	adminAddr := fs.String("admin-addr", "", "address for operators, and then only there: /metrics, /debug/pprof, /v1/matchmaking/stats, tickets and matches (empty: they are on -addr, with a warning)")
	maxPlayers := fs.Int("max-players", 16, "players per match without matchmaking (-matchmaking=false)")
	grace := fs.Duration("grace", 30*time.Second, "how long a dropped player keeps its seat")
	viewSize := fs.String("view", "2000x1200", "area each client is sent, WIDTHxHEIGHT in world units around its player (interest management); 'all' sends everything")
	tokenKey := fs.String("token-key", "", "private key file (skirmish keygen) that signs join tokens and guest identities, so that guests stay valid across restarts (empty: a new key at each start)")
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
	if *snapshotRate <= 0 {
		return fail(2, "-snapshot-rate must be positive")
	}
	if *serveReplays && *recordDir == "" {
		return fail(2, "-serve-replays serves the recordings of -record DIR: set -record too")
	}
	if *maxRewind < 0 || *maxRewind > time.Second {
		return fail(2, "-max-rewind must be in 0..1s")
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
	interest, err := setup.ParseView(*viewSize, arena.ViewUnitsPerUnit)
	if err != nil {
		return fail(2, "bad -view: %v", err)
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
	opts := setup.Options{
		Server: server.Options{
			SnapshotRate:   *snapshotRate,
			Seed:           *seed,
			ResumeGrace:    *grace,
			Interest:       interest,
			RecordDir:      *recordDir,
			MaxRewind:      rewindOption(*maxRewind),
			Limits:         guard.limits(*capacity),
			Logger:         logger,
			AllowedOrigins: netf.origins,
		},
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
	so := setup.ServeOptions{AdminAddr: *adminAddr, AdminTokenFile: *guard.adminTokenFile, DrainTimeout: *drainTimeout, ShutdownTimeout: *shutdownTimeout, Logger: logger, ServeReplays: *serveReplays}
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
