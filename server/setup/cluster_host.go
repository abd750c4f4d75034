package setup

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/redis/go-redis/v9"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/matchmaking"
	"github.com/skirmishgg/skirmish/matchmaking/redisstore"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/agones"
	"github.com/skirmishgg/skirmish/server/registry"
)

// HostOptions configures a match host of a cluster: it runs matches only,
// admits players by the join tokens the matchmakers sign, learns of its
// matches over Redis, and reports its load and lifecycle to the shared
// directory.
type HostOptions struct {
	// Redis is the shared store's client (redisstore.Open).
	Redis redis.UniversalClient
	// Prefix starts every Redis key. Default redisstore.DefaultPrefix.
	Prefix string
	// Tokens checks join tokens with the matchmakers' public keys.
	Tokens *matchmaking.TokenVerifier
	// Modes are the modes this host plays.
	Modes []game.Mode
	// HostID names the host in the directory; unique in the cluster.
	HostID string
	// PublicURL is where players reach this host (ws:// or wss://…/ws).
	PublicURL string
	// Region is where the host runs; empty serves every region.
	Region string
	// Capacity is the seats the host runs at most. Default 256.
	Capacity int
	// TTL is how long the directory keeps the host without a heartbeat:
	// a host that dies is dropped, and its seats freed, this long after.
	// Default 10s; heartbeats go every TTL/3.
	TTL time.Duration
	// Server configures the match host; its Tokens, Modes and LookupMatch
	// are set from the above.
	Server server.Options
	// Agones, when set, links the host to its Agones GameServer through
	// the SDK server (see package agones); its Status, Capacity, Region
	// and Logger are set from the above. Default nil: no Agones.
	Agones *agones.Options
}

// HostStack is a built host process.
type HostStack struct {
	Server *server.Server
	// Handler serves /ws, /healthz, /readyz and /metrics.
	Handler http.Handler

	opts    HostOptions
	logger  *slog.Logger
	dir     matchmaking.Directory
	bus     matchmaking.AssignmentBus
	results matchmaking.Results
	host    matchmaking.Host
	agones  *agones.SDK // nil without Agones

	feedMu sync.Mutex
	cursor string // of the assignment stream; guarded by feedMu

	kick   chan struct{} // asks for a heartbeat now
	cancel context.CancelFunc
	done   chan struct{}
}

// NewHost builds a host and starts its heartbeats and assignment feed.
func NewHost(opts HostOptions) (*HostStack, error) {
	switch {
	case opts.Redis == nil || opts.Tokens == nil || len(opts.Modes) == 0:
		return nil, errors.New("setup: a host needs Redis, the token public keys and modes")
	case opts.HostID == "" || opts.PublicURL == "":
		return nil, errors.New("setup: a host needs an ID and a public URL")
	}
	if opts.Capacity <= 0 {
		opts.Capacity = 256
	}
	if opts.TTL <= 0 {
		opts.TTL = 10 * time.Second
	}
	logger := opts.Server.Logger
	if logger == nil {
		logger = slog.Default()
	}
	logger = logger.With("host", opts.HostID)
	h := &HostStack{
		opts:    opts,
		logger:  logger,
		dir:     redisstore.NewDirectory(opts.Redis, &redisstore.DirectoryOptions{Prefix: opts.Prefix}),
		bus:     redisstore.NewAssignmentBus(opts.Redis, &redisstore.BusOptions{Prefix: opts.Prefix}),
		results: redisstore.NewResults(opts.Redis, &redisstore.ResultsOptions{Prefix: opts.Prefix}),
		host: matchmaking.Host{ID: opts.HostID, URL: opts.PublicURL, Region: opts.Region,
			Capacity: opts.Capacity, TTL: opts.TTL, Modes: modeNames(opts.Modes)},
		kick: make(chan struct{}, 1),
		done: make(chan struct{}),
	}
	o := opts.Server
	o.Logger = logger
	if o.Registry == nil {
		o.Registry = newRegistry()
	}
	redisstore.Instrument(opts.Redis, o.Registry)
	o.Tokens = opts.Tokens
	o.Modes = modeRules(opts.Modes)
	o.LookupMatch = h.lookup
	o.OnResult = h.record
	srv, err := server.New(opts.Modes[0].Rules, &o)
	if err != nil {
		return nil, err
	}
	h.Server, h.Handler = srv, srv.Handler()
	if opts.Agones != nil {
		ao := *opts.Agones
		ao.Status, ao.Capacity, ao.Region, ao.Logger = h.agonesStatus, opts.Capacity, opts.Region, logger
		if h.agones, err = agones.New(ao); err != nil {
			return nil, err
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	srv.MarkReady()
	go func() {
		defer close(h.done)
		var wg sync.WaitGroup
		wg.Go(func() { h.heartbeats(ctx) })
		wg.Go(func() { h.feed(ctx) })
		if h.agones != nil {
			wg.Go(func() { h.agones.Run(ctx) })
		}
		wg.Wait()
	}()
	return h, nil
}

func modeNames(modes []game.Mode) []string {
	var names []string
	for _, m := range modes {
		names = append(names, m.Name)
	}
	return names
}

// heartbeats reports the host's load and state every TTL/3, and at once
// when asked (a drain), until ctx ends; then it reports it stopped and
// deregisters it.
func (h *HostStack) heartbeats(ctx context.Context) {
	t := time.NewTicker(h.opts.TTL / 3)
	defer t.Stop()
	failing := false
	for {
		hctx, cancel := context.WithTimeout(ctx, h.opts.TTL/3)
		err := h.dir.Heartbeat(hctx, h.Server.Report(h.host))
		cancel()
		switch {
		case err != nil && ctx.Err() == nil && !failing:
			failing = true
			h.logger.Warn("heartbeat failed: retrying", "err", err)
		case err == nil && failing:
			failing = false
			h.logger.Info("heartbeat back: registered again")
		}
		select {
		case <-ctx.Done():
			dctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			if err := h.dir.Deregister(dctx, h.opts.HostID); err != nil && !errors.Is(err, matchmaking.ErrHostNotFound) {
				h.logger.Warn("deregister", "err", err)
			}
			return
		case <-t.C:
		case <-h.kick:
		}
	}
}

// feed reads the matchmakers' assignments for this host and prepares each
// match (Expect), until ctx ends. Redis being away is retried with
// backoff.
func (h *HostStack) feed(ctx context.Context) {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		if err := h.poll(ctx, time.Second); err != nil && ctx.Err() == nil {
			h.logger.Warn("reading assignments failed: retrying", "err", err, "in", backoff)
			select {
			case <-ctx.Done():
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, 5*time.Second)
			continue
		}
		backoff = 100 * time.Millisecond
	}
}

// poll reads the assignments waiting (up to block for the first) and
// applies them. One poll at a time: they share the stream's cursor.
func (h *HostStack) poll(ctx context.Context, block time.Duration) error {
	h.feedMu.Lock()
	defer h.feedMu.Unlock()
	rctx, cancel := context.WithTimeout(ctx, block+2*time.Second)
	defer cancel()
	msgs, next, err := h.bus.Read(rctx, h.opts.HostID, h.cursor, 64, block)
	if err != nil {
		return err
	}
	now := time.Now()
	for _, m := range msgs {
		a := m.Assignment
		if !now.Before(a.ExpiresAt) {
			continue // its tokens expired: from before a restart of this host
		}
		if err := h.Server.Expect(a); err != nil {
			h.logger.Warn("assignment refused", "match", a.MatchID, "mode", a.Mode, "err", err)
			continue
		}
		h.logger.Info("assignment", "match", a.MatchID, "mode", a.Mode, "players", len(a.Players), "backfill", a.Backfill)
	}
	h.cursor = next
	return nil
}

// lookupWait bounds how long a player whose join token names a match this
// host has not heard of waits for its assignment: a matchmaker may tell
// the player (through the shared store) a moment before it publishes.
const lookupWait = 2 * time.Second

// pollFor is poll for a player's match: the feed may have applied it
// while this one waited for the lock.
func (h *HostStack) pollFor(ctx context.Context, matchID string, block time.Duration) error {
	h.feedMu.Lock()
	here := h.Server.HasMatch(matchID)
	h.feedMu.Unlock()
	if here {
		return nil
	}
	return h.poll(ctx, block)
}

// lookup reads the assignments for a player whose join token names a match
// this host has not heard of yet, until the match is here or lookupWait
// has passed.
func (h *HostStack) lookup(matchID string) {
	ctx, cancel := context.WithTimeout(context.Background(), lookupWait)
	defer cancel()
	for ctx.Err() == nil && !h.Server.HasMatch(matchID) {
		if err := h.pollFor(ctx, matchID, 200*time.Millisecond); err != nil && ctx.Err() == nil {
			h.logger.Warn("reading assignments for a player", "match", matchID, "err", err)
			return
		}
	}
}

// record appends a finished match's result to the cluster's results.
func (h *HostStack) record(r registry.MatchResult) {
	res := matchmaking.MatchResult{
		MatchID: r.Match, Mode: r.Mode, HostID: h.opts.HostID, Reason: r.Reason,
		StartedAt: r.Started, EndedAt: r.Ended, Duration: r.Ended.Sub(r.Started),
	}
	for _, s := range r.Standings {
		who := s.Identity
		if who == "" {
			who = s.Name
		}
		if s.Player == r.Winner {
			res.Winner = who
		}
		res.Scoreboard = append(res.Scoreboard, matchmaking.PlayerScore{PlayerID: who, Score: int(s.Score), Deaths: int(s.Deaths)})
	}
	// Redis may be restarting: try again for a while (a drain waits for
	// this) rather than lose the result. Appending twice is refused as a
	// duplicate, so a retry after an unclear failure is safe.
	deadline := time.Now().Add(resultPatience)
	for wait := 200 * time.Millisecond; ; wait = min(2*wait, 5*time.Second) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := h.results.Append(ctx, res)
		cancel()
		if err == nil || errors.Is(err, matchmaking.ErrDuplicateResult) {
			return
		}
		if time.Now().Add(wait).After(deadline) {
			h.logger.Error("match result not recorded", "match", r.Match, "err", err)
			return
		}
		h.logger.Warn("recording a match result: retrying", "match", r.Match, "err", err, "in", wait)
		time.Sleep(wait)
	}
}

// resultPatience is how long a host keeps trying to record a result while
// the shared store is away.
const resultPatience = 30 * time.Second

// Routes is the host's HTTP handler.
func (h *HostStack) Routes() http.Handler { return h.Handler }

// Registerer receives the metrics of what serves the host (its
// listener), next to its own.
func (h *HostStack) Registerer() prometheus.Registerer { return h.Server.Registry() }

// Drain marks the host draining in the directory at once and lets its
// matches finish (see server.Server.Drain).
func (h *HostStack) Drain(ctx context.Context) error {
	h.Server.BeginDrain()
	select {
	case h.kick <- struct{}{}:
	default:
	}
	err := h.Server.Drain(ctx)
	if h.agones != nil {
		// The drain's deadline may have passed: Shutdown gets time of its own.
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		h.agones.Shutdown(sctx)
	}
	return err
}

// agonesStatus is the host's state and load, as Agones is told them.
func (h *HostStack) agonesStatus() agones.Status {
	st := agones.Status{State: string(h.Server.State())}
	for _, m := range h.Server.Matches() {
		st.Players += m.Players
		st.Matches++
	}
	return st
}

// Close deregisters the host and stops everything, waiting at most until
// ctx ends.
func (h *HostStack) Close(ctx context.Context) error {
	h.cancel()
	select {
	case <-h.done:
	case <-ctx.Done():
	}
	return h.Server.Close(ctx)
}
