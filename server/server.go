package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/matchmaking"
	"github.com/skirmishgg/skirmish/server/admission"
	"github.com/skirmishgg/skirmish/server/match"
	recorder "github.com/skirmishgg/skirmish/server/record"
	"github.com/skirmishgg/skirmish/server/registry"
	"github.com/skirmishgg/skirmish/server/ws"
)

// MatchStats is a running match's counters.
type MatchStats = registry.MatchStats

// Server is one match host: its matches (registry), the door players come
// in by (admission) and the transport they play over (ws).
type Server struct {
	opts     Options
	registry *registry.Registry
	ws       *ws.Handler
	// recordings is nil unless Options.RecordDir is set.
	recordings *recorder.Recorders
}

// New creates a Server whose players without matchmaking play rules. opts
// may be nil.
func New(rules game.Rules, opts *Options) (*Server, error) {
	o := opts.withDefaults()
	// A joining player is sent the whole roster at once.
	queue := max(o.ReliableQueue, 2*rules.MaxPlayers()+32)
	// One metronome steps every match of the host, beating at the
	// fastest tick rate among its games.
	rate := rules.TickRate()
	for _, r := range o.Modes {
		queue = max(queue, 2*r.MaxPlayers()+32)
		rate = max(rate, r.TickRate())
	}
	srv := &Server{opts: o}
	var gridCell int32
	if o.Interest != nil {
		gridCell = o.Interest.Cell
	}
	srv.ws = ws.New(nil, &ws.Options{
		InputRate: o.InputRate, InputBurst: o.InputBurst, ReliableQueue: queue, Senders: o.Senders, EventLoops: o.EventLoops, LoopThread: o.EventLoopThread,
		HandshakeTimeout: o.HandshakeTimeout, WriteTimeout: o.WriteTimeout, Interest: o.Interest,
		OriginPatterns: o.AllowedOrigins, Registry: o.Registry, Clock: o.Clock, Logger: o.Logger,
	})
	var record func(id, mode string, rules game.Rules, seed uint64) match.Recorder
	if o.RecordDir != "" {
		rs, err := recorder.New(recorder.Options{Dir: o.RecordDir, Registerer: o.Registry, Clock: o.Clock, Logger: o.Logger})
		if err != nil {
			return nil, fmt.Errorf("server: %w", err)
		}
		srv.recordings = rs
		record = rs.Open
	}
	reg, err := registry.New(registry.Options{
		Direct: rules,
		Modes:  o.Modes,
		Match: (&match.Options{
			SnapshotRate: o.SnapshotRate, MaxCatchUp: o.MaxCatchUp, AckTimeout: o.AckTimeout, ResumeGrace: o.ResumeGrace, MaxRewind: o.MaxRewind,
			GridCell: gridCell, Dispatcher: srv.ws.Dispatcher(), Clock: o.Clock, Metrics: match.NewMetrics(o.Registry),
			SpectateDelay: o.SpectateDelay, MaxSpectators: o.MaxSpectators, Audience: srv.ws.Audience(),
			Metronome: match.NewMetronome(match.MetronomeOptions{Clock: o.Clock, Rate: rate}),
		}).WithDefaults(),
		Seed:     o.Seed,
		OnResult: o.OnResult,
		Record:   record,
		Limits:   o.Limits,
		Logger:   o.Logger,
	})
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	srv.registry = reg
	o.Logger.Debug("host starting")
	srv.ws.SetAdmitter(admission.New(reg, admission.Options{
		Tokens: o.Tokens, Identities: o.Identities, Clock: o.Clock, Lookup: o.LookupMatch, MaxSpectatorsPerIP: o.MaxSpectatorsPerIP,
	}))
	srv.registerGauges()
	return srv, nil
}

// Handler serves /ws (players and spectators), /v1/matches (the public
// list of running matches), /metrics (Prometheus), /healthz (liveness),
// /readyz and, when recording, /replays/ (the recordings).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /ws", s.ws)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.opts.Registry, promhttp.HandlerOpts{Registry: s.opts.Registry}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", s.serveReadyz)
	if s.opts.RecordDir != "" {
		// Who may read them is the caller's to decide: setup serves them
		// on the admin address, or to players with -serve-replays.
		mux.Handle("GET /replays/", recorder.Handler(s.opts.RecordDir))
	}
	mux.HandleFunc("GET /v1/matches", s.serveMatchList)
	return mux
}

// serveReadyz answers 200 only while the host takes new matches (ready or
// allocated), 503 otherwise; the body names the state.
func (s *Server) serveReadyz(w http.ResponseWriter, r *http.Request) {
	st := s.registry.State()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if !st.Takes() {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	fmt.Fprintln(w, st)
}

// Registry is where the server's metrics are registered and served from.
func (s *Server) Registry() *prometheus.Registry { return s.opts.Registry }

// State is the host's lifecycle state.
func (s *Server) State() registry.State { return s.registry.State() }

// MarkReady says the host serves and takes matches.
func (s *Server) MarkReady() { s.registry.MarkReady() }

// BeginDrain stops taking new matches and players at once; Drain waits
// for the running ones.
func (s *Server) BeginDrain() { s.registry.BeginDrain() }

// Drain stops taking new matches and players and waits for the running
// matches to end, ending those still running when ctx ends (see
// registry.Registry.Drain). Players stay connected meanwhile: keep serving.
func (s *Server) Drain(ctx context.Context) error { return s.registry.Drain(ctx) }

// HasMatch reports whether a match with this ID runs here.
func (s *Server) HasMatch(id string) bool { return s.registry.Find(id) != nil }

// Matches returns the counters of every running match.
func (s *Server) Matches() []MatchStats { return s.registry.Matches() }

// Expect prepares this host for a matchmaker's assignment (see
// registry.Registry.Expect): the embedded matchmaker's OnAssign hook.
func (s *Server) Expect(a matchmaking.MatchAssignment) error { return s.registry.Expect(a) }

// Report fills a host registration with this host's load.
func (s *Server) Report(h matchmaking.Host) matchmaking.Host { return s.registry.Report(h) }

// Heartbeat reports this host to a matchmaker's directory every interval
// until ctx ends, then deregisters it.
func (s *Server) Heartbeat(ctx context.Context, dir matchmaking.Directory, h matchmaking.Host, every time.Duration) error {
	return s.registry.Heartbeat(ctx, dir, h, every)
}

// Close stops every match, closing players' connections with 1001, and
// waits until every match loop and connection has ended or ctx is done.
func (s *Server) Close(ctx context.Context) error {
	err := errors.Join(s.registry.Close(ctx), s.ws.Close(ctx))
	if s.recordings != nil {
		// The matches have stopped: their recordings are being closed.
		done := make(chan struct{})
		go func() { s.recordings.Wait(); close(done) }()
		select {
		case <-done:
		case <-ctx.Done():
			err = errors.Join(err, fmt.Errorf("server: recordings still being written: %w", ctx.Err()))
		}
	}
	return err
}

// registerGauges adds the gauges read off the host at scrape time.
func (s *Server) registerGauges() {
	s.opts.Registry.MustRegister(
		s.stateGauge(),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "skirmish_matches", Help: "Running matches."},
			func() float64 { return float64(len(s.Matches())) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "skirmish_players", Help: "Seats reserved, taken or kept, over all matches."},
			func() float64 {
				n := 0
				for _, m := range s.Matches() {
					n += m.Players
				}
				return float64(n)
			}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "skirmish_spectators", Help: "Spectators watching, over all matches."},
			func() float64 {
				n := 0
				for _, m := range s.Matches() {
					n += m.Spectators
				}
				return float64(n)
			}),
	)
}

// stateGauge is skirmish_host_state{state=…}: 1 for the host's current
// lifecycle state, 0 for the others.
func (s *Server) stateGauge() prometheus.Collector {
	return &stateCollector{s: s, desc: prometheus.NewDesc("skirmish_host_state", "The host's lifecycle state: 1 for the current one.", []string{"state"}, nil)}
}

type stateCollector struct {
	s    *Server
	desc *prometheus.Desc
}

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	cur := c.s.registry.State()
	for _, st := range registry.States() {
		v := 0.0
		if st == cur {
			v = 1
		}
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, v, string(st))
	}
}
