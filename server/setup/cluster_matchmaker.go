package setup

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/matchmaking"
	"github.com/skirmishgg/skirmish/matchmaking/redisstore"
	"github.com/skirmishgg/skirmish/server/identity"
	"github.com/skirmishgg/skirmish/server/matchapi"
)

// MatchmakerOptions configures a matchmaker process of a cluster: it
// queues players and places matches on the hosts of a shared Redis, and
// runs no match itself.
type MatchmakerOptions struct {
	// Redis is the shared store's client (redisstore.Open).
	Redis redis.UniversalClient
	// Prefix starts every Redis key: one cluster per prefix. Default
	// redisstore.DefaultPrefix.
	Prefix string
	// Signer signs join tokens: every matchmaker of a cluster has the
	// same key (-token-key), and hosts its public key.
	Signer *matchmaking.TokenSigner
	// Guests issues guest identities with the same key as Signer
	// (LoadGuestIssuer), so that hosts verify them with -token-pubkey.
	Guests *identity.Issuer
	// Identity: backend JWTs and the guest limits.
	Identity IdentityOptions
	// Modes are the modes players queue for; hosts must serve them.
	Modes []game.Mode
	// AllowedOrigins are the browser origins, besides the matchmaker's
	// own, whose pages may open a queue connection: the web page's origin
	// in a cluster (see server.Options.AllowedOrigins).
	AllowedOrigins []string
	// Queue configures the queue socket's limits (rate, tickets per
	// address, the hosts' claim window); its Results and Logger are set
	// by NewMatchmaker.
	Queue matchapi.Options
	// RetainedTickets caps the finished tickets kept for status lookups.
	// Default 10000.
	RetainedTickets int
	// Logger receives structured logs. Default slog.Default().
	Logger *slog.Logger
}

// MatchmakerStack is a built matchmaker process.
type MatchmakerStack struct {
	Matchmaker *matchmaking.Matchmaker
	// Handler serves /v1/matchmaking/ws, /v1/matchmaking/stats,
	// /v1/matchmaking/tickets/{id}, /v1/matches/{id}, /healthz, /readyz
	// and /metrics.
	Handler http.Handler

	registry *prometheus.Registry
	cancel   context.CancelFunc
	done     chan struct{}
}

// NewMatchmaker builds a matchmaker on the shared Redis.
func NewMatchmaker(opts MatchmakerOptions) (*MatchmakerStack, error) {
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	if opts.Redis == nil || opts.Signer == nil || opts.Guests == nil || len(opts.Modes) == 0 {
		return nil, fmt.Errorf("setup: a matchmaker needs Redis, a token key, a guest issuer and modes")
	}
	ids, err := identity.NewVerifier([]ed25519.PublicKey{opts.Guests.PublicKey()}, opts.Identity.JWT)
	if err != nil {
		return nil, err
	}
	results := redisstore.NewResults(opts.Redis, &redisstore.ResultsOptions{Prefix: opts.Prefix})
	mm, err := matchmaking.New(&matchmaking.Options{
		Modes:           modeConfigs(opts.Modes),
		Store:           redisstore.NewStore(opts.Redis, &redisstore.StoreOptions{Prefix: opts.Prefix}),
		Directory:       redisstore.NewDirectory(opts.Redis, &redisstore.DirectoryOptions{Prefix: opts.Prefix}),
		Leases:          redisstore.NewLeases(opts.Redis, &redisstore.LeasesOptions{Prefix: opts.Prefix}),
		Assignments:     redisstore.NewAssignmentBus(opts.Redis, &redisstore.BusOptions{Prefix: opts.Prefix}),
		Signer:          opts.Signer,
		RetainedTickets: opts.RetainedTickets,
		Logger:          logger,
	})
	if err != nil {
		return nil, fmt.Errorf("setup: matchmaker: %w", err)
	}
	reg := newRegistry()
	reg.MustRegister(matchapi.NewCollector(mm))
	redisstore.Instrument(opts.Redis, reg)
	mux := http.NewServeMux()
	q := opts.Queue
	q.Results, q.Logger, q.Identities = results, logger, ids
	q.Parties = redisstore.NewParties(opts.Redis, &redisstore.PartiesOptions{Prefix: opts.Prefix})
	q.OriginPatterns = opts.AllowedOrigins
	matchapi.New(mm, &q).Register(mux)
	matchapi.NewAuth(matchapi.AuthOptions{Issuer: opts.Guests, GuestRate: opts.Identity.GuestRate, Logger: logger}).Register(mux)
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		// Ready while the shared store answers: a matchmaker without it
		// can only refuse players.
		if err := opts.Redis.Ping(r.Context()).Err(); err != nil {
			http.Error(w, "redis unreachable: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	ctx, cancel := context.WithCancel(context.Background())
	s := &MatchmakerStack{Matchmaker: mm, Handler: mux, registry: reg, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		mm.Run(ctx)
	}()
	return s, nil
}

// Routes is the matchmaker's HTTP handler.
func (s *MatchmakerStack) Routes() http.Handler { return s.Handler }

// Registerer receives the metrics of what serves the matchmaker (its
// listener), next to its own.
func (s *MatchmakerStack) Registerer() prometheus.Registerer { return s.registry }

// Drain stops the matching passes and gives up this matchmaker's pool
// leases, so another matchmaker takes its pools at once. Queued tickets
// stay in the shared store.
func (s *MatchmakerStack) Drain(ctx context.Context) error {
	s.cancel()
	select {
	case <-s.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close stops the passes, waiting at most until ctx ends.
func (s *MatchmakerStack) Close(ctx context.Context) error { return s.Drain(ctx) }

// newRegistry is a process's Prometheus registry, with the Go runtime's
// and the process's metrics (go_*, process_*).
func newRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// modeConfigs are the matchmaker's modes of a game's.
func modeConfigs(modes []game.Mode) []matchmaking.ModeConfig {
	var configs []matchmaking.ModeConfig
	for _, m := range modes {
		configs = append(configs, modeConfig(m))
	}
	return configs
}
