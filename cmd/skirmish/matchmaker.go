package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/matchmaking/redisstore"
	"github.com/skirmishgg/skirmish/server/setup"
)

// runMatchmaker runs a matchmaker of a cluster: the queue and the operator
// endpoints over a shared Redis; it runs no match.
func runMatchmaker(stop setup.Stop, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("skirmish matchmaker", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", ":8081", "address to listen on")
	redisURL := fs.String("redis", "redis://localhost:6379/0", "the cluster's Redis (redis://[user:password@]host:port/db)")
	prefix := fs.String("prefix", redisstore.DefaultPrefix, "Redis key prefix: one cluster per prefix")
	tokenKey := fs.String("token-key", "", "private key file that signs join tokens (skirmish keygen); every matchmaker of a cluster has the same")
	adminAddr := fs.String("admin-addr", "", "address for operators, and then only there: /metrics, /debug/pprof, /v1/matchmaking/stats, tickets and matches (empty: they are on -addr, with a warning)")
	shutdownTimeout := fs.Duration("shutdown-timeout", 10*time.Second, "how long to wait for connections to close on shutdown")
	ids := addIdentityFlags(fs, true)
	common := addCommonFlags(fs)
	netf := addNetFlags(fs)
	guard := addGuardFlags(fs, guardMatchmaker)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := func(code int, format string, args ...any) int {
		fmt.Fprintf(stderr, "skirmish matchmaker: "+format+"\n", args...)
		return code
	}
	if fs.NArg() > 0 {
		return fail(2, "unexpected argument %q", fs.Arg(0))
	}
	if err := guard.check(); err != nil {
		return fail(2, "%v", err)
	}
	if *tokenKey == "" {
		return fail(2, "-token-key is required: hosts verify the tokens it signs (skirmish keygen -out FILE)")
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
	signer, err := setup.LoadTokenSigner(*tokenKey)
	if err != nil {
		return fail(1, "%v", err)
	}
	guests, err := setup.LoadGuestIssuer(*tokenKey, idOpts.GuestTTL)
	if err != nil {
		return fail(1, "%v", err)
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
	mm, err := setup.NewMatchmaker(setup.MatchmakerOptions{Redis: rdb, Prefix: *prefix, Signer: signer, Guests: guests, Identity: idOpts, Modes: arena.Modes(nil),
		Queue: guard.queue(), RetainedTickets: guard.retention(), AllowedOrigins: netf.origins, Logger: logger})
	if err != nil {
		ln.Close()
		return fail(1, "%v", err)
	}
	fmt.Fprintf(stdout, "skirmish: listening on %s\n", ln.Addr())
	so := setup.ServeOptions{AdminAddr: *adminAddr, AdminTokenFile: *guard.adminTokenFile, ShutdownTimeout: *shutdownTimeout, Logger: logger}
	netf.apply(&so)
	if err := setup.Serve(stop, ln, mm, so); err != nil {
		return fail(1, "%v", err)
	}
	return 0
}
