package setup

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/skirmishgg/skirmish/server/certreload"
	"github.com/skirmishgg/skirmish/server/netlimit"
)

// ServeOptions is how Serve runs a stack.
type ServeOptions struct {
	// DrainTimeout bounds the drain: matches still running then are ended
	// with their standings kept. Default 10m.
	DrainTimeout time.Duration
	// AdminAddr, when set, serves operators on their own address, and only
	// there: /metrics, /debug/pprof, the matchmaker's stats, tickets and
	// matches (admin.go). /healthz and /readyz are on both. Unset, the
	// player address serves them too, with a warning at start.
	AdminAddr string
	// AdminListener, when set, is the admin address's listener, in place
	// of listening on AdminAddr (tests: a port chosen by the system).
	AdminListener net.Listener
	// AdminTokenFile, when set, holds the bearer token operator requests
	// need (Authorization: Bearer <token>); the probes stay open.
	AdminTokenFile string
	// ShutdownTimeout bounds the wait for connections and matches to
	// close once ctx ends. Default 10s.
	ShutdownTimeout time.Duration
	// Logger receives structured logs. Default slog.Default().
	Logger *slog.Logger

	// MaxConns and MaxConnsPerIP cap the connections open on the player
	// listener, in all and from one source IP (netlimit.Listener); over
	// a cap a connection is answered 503. 0: no cap; negative: the
	// default, 80 % of the open-file limit less a reserve and
	// netlimit.DefaultMaxConnsPerIP.
	MaxConns, MaxConnsPerIP int
	// TLSCert and TLSKey, when set, are the PEM files of the player
	// listener's certificate: it serves https:// and wss://, and picks up
	// a renewed pair within TLSReloadEvery (default 2s) of its files
	// changing.
	TLSCert, TLSKey string
	TLSReloadEvery  time.Duration
	// IdleTimeout closes a keep-alive connection idle this long, on both
	// ports. Default 60s.
	IdleTimeout time.Duration
	// ServeReplays serves the recordings (server.Options.RecordDir) on
	// the player address too, at /replays/, for the browser client's
	// replay viewer. Default: only on the admin address.
	ServeReplays bool
}

// HTTP limits of every server: a request's head must arrive within
// readHeaderTimeout and fit in maxHeaderBytes (431 past it), and an idle
// keep-alive connection is closed after IdleTimeout. There is no
// WriteTimeout: net/http would leave its deadline on hijacked WebSocket
// connections, which write for minutes (the adapter bounds its writes);
// the connection caps bound what slow readers of other responses hold.
const (
	readHeaderTimeout  = 10 * time.Second
	defaultIdleTimeout = 60 * time.Second
	maxHeaderBytes     = 16 << 10
)

// newHTTPServer is an http.Server with the limits above.
func newHTTPServer(h http.Handler, idle time.Duration, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		IdleTimeout:       idle,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// metered is a Service whose metrics registry also takes the listener's.
type metered interface {
	Registerer() prometheus.Registerer
}

// listen wraps the player listener ln in the connection caps and, when
// opts has a certificate, TLS; it reports the scheme of its WebSocket
// URLs.
func listen(ln net.Listener, st Service, opts ServeOptions, logger *slog.Logger) (net.Listener, string, error) {
	fdLimit, err := netlimit.RaiseFDLimit()
	if err != nil {
		logger.Warn("open-file limit", "err", err)
	}
	if opts.MaxConns < 0 {
		opts.MaxConns = netlimit.DefaultMaxConns(fdLimit)
	}
	if opts.MaxConnsPerIP < 0 {
		opts.MaxConnsPerIP = netlimit.DefaultMaxConnsPerIP
	}
	var cfg *tls.Config
	if opts.TLSCert != "" || opts.TLSKey != "" {
		if opts.TLSCert == "" || opts.TLSKey == "" {
			return nil, "", errors.New("TLS needs both a certificate and its key")
		}
		certs, err := certreload.New(opts.TLSCert, opts.TLSKey, certreload.Options{CheckEvery: opts.TLSReloadEvery, Logger: logger})
		if err != nil {
			return nil, "", err
		}
		cfg = certs.TLSConfig()
	}
	var reg prometheus.Registerer
	if m, ok := st.(metered); ok {
		reg = m.Registerer()
	}
	logger.Info("connection caps", "max_conns", opts.MaxConns, "max_conns_per_ip", opts.MaxConnsPerIP, "fd_limit", fdLimit)
	ln = netlimit.NewListener(ln, netlimit.Options{
		MaxConns: opts.MaxConns, MaxConnsPerIP: opts.MaxConnsPerIP, TLS: cfg, Registry: reg, Logger: logger,
	})
	if cfg == nil {
		return ln, "ws", nil
	}
	return tls.NewListener(ln, cfg), "wss", nil
}

// Service is what Serve runs: an all-in-one Stack, a HostStack or a
// MatchmakerStack.
type Service interface {
	// Routes is the service's HTTP handler.
	Routes() http.Handler
	// Drain takes no new work and waits for the running work to end, up
	// to ctx.
	Drain(ctx context.Context) error
	// Close stops everything, up to ctx.
	Close(ctx context.Context) error
}

// Serve serves st on ln until stop.Drain ends (the first SIGINT or
// SIGTERM of a command), then drains: the host takes no new match or
// player (/readyz answers 503, the directory says draining), the embedded
// matchmaker stops, and the running matches play to their end, up to
// DrainTimeout or until stop.Now ends (a second signal); those still
// running then are ended with their results kept. Players stay connected
// throughout. Then the listener closes and the rest shuts down within
// ShutdownTimeout. It closes ln and st, and returns nil after a clean
// shutdown, a drain deadline included.
func Serve(stop Stop, ln net.Listener, st Service, opts ServeOptions) error {
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = 10 * time.Second
	}
	if opts.DrainTimeout <= 0 {
		opts.DrainTimeout = 10 * time.Minute
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = defaultIdleTimeout
	}
	var token string
	if opts.AdminTokenFile != "" {
		t, err := ReadAdminToken(opts.AdminTokenFile)
		if err != nil {
			ln.Close()
			st.Close(context.Background())
			return err
		}
		token = t
	}
	player := SharedHandler(st.Routes(), token)
	if opts.AdminAddr != "" || opts.AdminListener != nil {
		player = PlayerHandler(st.Routes())
	} else {
		logger.Warn("operator endpoints (/metrics, /v1/matchmaking/stats, tickets, matches) are served on the player address: set -admin-addr to keep them private",
			"addr", ln.Addr().String(), "token", token != "")
	}
	player = ReplaysForPlayers(player, st.Routes(), opts.ServeReplays)
	capped, scheme, err := listen(ln, st, opts, logger)
	if err != nil {
		ln.Close()
		st.Close(context.Background())
		return fmt.Errorf("listen: %w", err)
	}
	ln = capped
	hs := newHTTPServer(player, opts.IdleTimeout, logger)
	errc := make(chan error, 2)
	var admin *http.Server
	if opts.AdminAddr != "" || opts.AdminListener != nil {
		aln := opts.AdminListener
		if aln == nil {
			var err error
			if aln, err = net.Listen("tcp", opts.AdminAddr); err != nil {
				ln.Close()
				st.Close(context.Background())
				return fmt.Errorf("admin address: %w", err)
			}
		}
		admin = newHTTPServer(AdminHandler(st.Routes(), token), opts.IdleTimeout, logger)
		logger.Info("admin", "addr", aln.Addr().String())
		go func() { errc <- serveHTTP(admin, aln) }()
		defer admin.Close()
	}
	logger.Info("serving", "addr", ln.Addr().String(), "ws", fmt.Sprintf("%s://%s/ws", scheme, ln.Addr()))
	go func() { errc <- serveHTTP(hs, ln) }()
	var serveErr error
	select {
	case serveErr = <-errc:
	case <-stop.Drain.Done():
		dctx, cancel := context.WithTimeout(stop.Now, opts.DrainTimeout)
		if err := st.Drain(dctx); err != nil {
			logger.Warn("drain ended at its deadline", "err", err)
		}
		cancel()
	}

	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), opts.ShutdownTimeout)
	defer cancel()
	// Stop taking connections first, then close the matches: hijacked
	// WebSocket connections are not tracked by http.Server.
	var errs []error
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		errs = append(errs, fmt.Errorf("http shutdown: %w", err))
	}
	if err := st.Close(sctx); err != nil {
		errs = append(errs, fmt.Errorf("shutdown: %w", err))
	}
	return errors.Join(append([]error{serveErr}, errs...)...)
}

func serveHTTP(hs *http.Server, ln net.Listener) error {
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
