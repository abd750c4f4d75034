package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/matchmaking/redisstore"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/agones"
	"github.com/skirmishgg/skirmish/server/setup"
)

// runHost runs a dedicated match host of a cluster: matches only, players
// admitted by the matchmakers' join tokens.
func runHost(stop setup.Stop, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("skirmish host", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", ":8090", "address to listen on")
	redisURL := fs.String("redis", "redis://localhost:6379/0", "the cluster's Redis (redis://[user:password@]host:port/db)")
	prefix := fs.String("prefix", redisstore.DefaultPrefix, "Redis key prefix: one cluster per prefix")
	var pubkeys listFlag
	fs.Var(&pubkeys, "token-pubkey", "public key file(s) the matchmakers' join tokens are checked with; repeat the flag or separate with commas to accept the previous key during a rotation")
	publicURL := fs.String("public-url", "", "where players reach this host, e.g. ws://this-host:8090/ws or wss://… behind a TLS proxy (default: ws://, or wss:// with -tls-cert, the machine's name when -addr has no IP, and the port)")
	region := fs.String("region", "", "the region this host serves (empty: every region)")
	capacity := fs.Int("capacity", 256, "seats this host runs at most, over all its matches")
	hostID := fs.String("host-id", "", "this host's ID in the directory, unique in the cluster (default: the machine's name and a random suffix, fixed for the process)")
	ttl := fs.Duration("ttl", 10*time.Second, "how long the directory keeps this host without a heartbeat (a dead host's players are sent elsewhere after it)")
	drainTimeout := fs.Duration("drain-timeout", 10*time.Minute, "on SIGTERM or SIGINT, how long running matches may play on before they are ended with their results kept (a second signal ends them at once)")
	shutdownTimeout := fs.Duration("shutdown-timeout", 10*time.Second, "how long to wait for connections to close after the drain")
	useAgones := fs.Bool("agones", false, "run under Agones: tell the SDK server (localhost:$AGONES_SDK_HTTP_PORT) Ready, Allocated and Shutdown, keep its players and matches Counters current and label the GameServer with -region")
	agonesHealth := fs.Duration("agones-health", 2*time.Second, "with -agones, how often Health is sent (well inside the Fleet's health periodSeconds)")
	adminAddr := fs.String("admin-addr", "", "address for operators, and then only there: /metrics and /debug/pprof (empty: /metrics is on -addr, with a warning)")
	ids := addIdentityFlags(fs, false)
	matchf := addMatchFlags(fs)
	common := addCommonFlags(fs)
	netf := addNetFlags(fs)
	spec := addSpectateFlags(fs)
	guard := addGuardFlags(fs, guardHost)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := func(code int, format string, args ...any) int {
		fmt.Fprintf(stderr, "skirmish host: "+format+"\n", args...)
		return code
	}
	switch {
	case fs.NArg() > 0:
		return fail(2, "unexpected argument %q", fs.Arg(0))
	case len(pubkeys) == 0:
		return fail(2, "-token-pubkey is required: the public key of the matchmakers' -token-key (skirmish keygen writes FILE.pub)")
	case *capacity <= 0:
		return fail(2, "-capacity must be positive")
	case *ttl < time.Second:
		return fail(2, "-ttl must be at least 1s")
	case *agonesHealth <= 0:
		return fail(2, "-agones-health must be positive")
	}
	if err := guard.check(); err != nil {
		return fail(2, "%v", err)
	}
	if err := spec.check(); err != nil {
		return fail(2, "%v", err)
	}
	var srvOpts server.Options
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
	tokens, err := setup.LoadTokenVerifier(pubkeys...)
	if err != nil {
		return fail(1, "%v", err)
	}
	idOpts, err := ids.options()
	if err != nil {
		return fail(2, "%v", err)
	}
	// Guests are verified with the matchmakers' keys, like join tokens.
	identities, err := setup.LoadIdentityVerifier(idOpts.JWT, pubkeys...)
	if err != nil {
		return fail(1, "%v", err)
	}
	if *hostID == "" {
		*hostID = defaultHostID()
	}
	ctx, cancel := context.WithTimeout(stop.Drain, 10*time.Second)
	rdb, err := redisstore.Open(ctx, *redisURL)
	cancel()
	if err != nil {
		return fail(1, "%v", err)
	}
	defer rdb.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fail(1, "%v", err)
	}
	if *publicURL == "" {
		*publicURL = netf.publicURL(ln.Addr())
	}
	var agonesOpts *agones.Options
	if *useAgones {
		agonesOpts = &agones.Options{URL: agones.URL(os.Getenv("AGONES_SDK_HTTP_PORT")), HealthInterval: *agonesHealth}
	}
	srvOpts.Limits, srvOpts.Logger, srvOpts.AllowedOrigins, srvOpts.Identities = guard.limits(0), logger, netf.origins, identities
	spec.apply(&srvOpts)
	host, err := setup.NewHost(setup.HostOptions{
		Redis: rdb, Prefix: *prefix, Tokens: tokens, Modes: arena.Modes(nil),
		HostID: *hostID, PublicURL: *publicURL, Region: *region, Capacity: *capacity, TTL: *ttl,
		Server: srvOpts,
		Agones: agonesOpts,
	})
	if err != nil {
		ln.Close()
		return fail(1, "%v", err)
	}
	logger.Info("host", "host", *hostID, "public_url", *publicURL, "region", *region, "capacity", *capacity)
	fmt.Fprintf(stdout, "skirmish: listening on %s\n", ln.Addr())
	so := setup.ServeOptions{AdminAddr: *adminAddr, AdminTokenFile: *guard.adminTokenFile, DrainTimeout: *drainTimeout, ShutdownTimeout: *shutdownTimeout, Logger: logger, ServeReplays: *matchf.serveReplays}
	netf.apply(&so)
	if err := setup.Serve(stop, ln, host, so); err != nil {
		return fail(1, "%v", err)
	}
	return 0
}

// defaultHostID is the machine's name and a random suffix: unique, and
// fixed for the life of the process.
func defaultHostID() string {
	name, err := os.Hostname()
	if err != nil || name == "" {
		name = "host"
	}
	var b [4]byte
	rand.Read(b[:])
	return name + "-" + hex.EncodeToString(b[:])
}
