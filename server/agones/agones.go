package agones

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// Status is what the host tells Agones, read off it once a sync.
type Status struct {
	// State is the host's lifecycle state: starting, ready, allocated,
	// draining or stopped (server/registry's State names).
	State string
	// Players are the seats reserved, taken or kept over all matches;
	// Matches the running matches.
	Players, Matches int
}

// Options configures an SDK link.
type Options struct {
	// URL is the SDK server's base address. Default URL("").
	URL string
	// Status reads the host's state; it is called from the link's own
	// goroutine once a SyncInterval and must not block. Required.
	Status func() Status
	// Capacity, when positive, is set as the "players" counter's capacity.
	Capacity int
	// Region, when set, is the GameServer's "region" label (the sidecar
	// makes it agones.dev/sdk-region).
	Region string
	// HealthInterval is how often Health is sent: well inside the Fleet's
	// health check (periodSeconds × failureThreshold, 5s × 3 by default).
	// Default 2s.
	HealthInterval time.Duration
	// SyncInterval is how often the host's state and counts are read and,
	// when they changed, sent. Changes in between are coalesced. Default 1s.
	SyncInterval time.Duration
	// CallTimeout bounds each call to the sidecar. Default 2s.
	CallTimeout time.Duration
	// HTTP makes the calls. Default a client of its own.
	HTTP *http.Client
	// Logger receives structured logs. Default slog.Default().
	Logger *slog.Logger
}

// SDK links a host to its Agones GameServer.
type SDK struct {
	opts Options
	c    client

	shutdownOnce sync.Once
	shutdownErr  error
}

// New returns a link to the SDK server; Run starts it.
func New(opts Options) (*SDK, error) {
	if opts.Status == nil {
		return nil, errors.New("agones: Options.Status is required")
	}
	if opts.URL == "" {
		opts.URL = URL("")
	}
	if opts.HealthInterval <= 0 {
		opts.HealthInterval = 2 * time.Second
	}
	if opts.SyncInterval <= 0 {
		opts.SyncInterval = time.Second
	}
	if opts.CallTimeout <= 0 {
		opts.CallTimeout = 2 * time.Second
	}
	if opts.HTTP == nil {
		opts.HTTP = &http.Client{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &SDK{opts: opts, c: client{base: opts.URL, http: opts.HTTP}}, nil
}

// Run sends Health pings and keeps the GameServer's state, label and
// counters in step with the host until ctx ends.
func (s *SDK) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() { s.health(ctx) })
	wg.Go(func() { s.sync(ctx) })
	wg.Wait()
}

// Shutdown tells Agones the host is done (its drain is over), retrying
// with backoff until it succeeds or ctx ends. Later calls return the
// first one's result.
func (s *SDK) Shutdown(ctx context.Context) error {
	s.shutdownOnce.Do(func() {
		r := retrier{log: s.opts.Logger, what: "shutdown"}
		for {
			err := s.post(ctx, "/shutdown")
			if r.done(err) {
				s.opts.Logger.Info("agones: shutdown sent")
				return
			}
			if !r.wait(ctx) {
				s.shutdownErr = err
				s.opts.Logger.Error("agones: shutdown not sent: the GameServer stays until Agones deletes it", "err", err)
				return
			}
		}
	})
	return s.shutdownErr
}

func (s *SDK) post(ctx context.Context, path string) error {
	ctx, cancel := context.WithTimeout(ctx, s.opts.CallTimeout)
	defer cancel()
	return s.c.post(ctx, path)
}

// health pings every HealthInterval. A failed ping is not retried sooner:
// the next one is the retry.
func (s *SDK) health(ctx context.Context) {
	t := time.NewTicker(s.opts.HealthInterval)
	defer t.Stop()
	r := retrier{log: s.opts.Logger, what: "health"}
	for {
		r.done(s.post(ctx, "/health"))
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// sent is what the GameServer was last told, successfully.
type sent struct {
	label            bool
	state            string // "", "Ready" or "Allocated"
	players, matches int    // -1: never
}

// sync reads the host's status every SyncInterval and sends what changed.
// A failed call is retried with backoff; what it was to send is read anew
// each time, so changes meanwhile are coalesced.
func (s *SDK) sync(ctx context.Context) {
	if gs, err := s.gameServer(ctx); err == nil {
		s.opts.Logger.Info("agones: connected", "gameserver", gs)
	}
	last := sent{players: -1, matches: -1}
	r := retrier{log: s.opts.Logger, what: "sync"}
	for ctx.Err() == nil {
		var wait time.Duration
		if r.done(s.step(ctx, &last)) {
			wait = s.opts.SyncInterval
		} else {
			wait = r.next(s.opts.SyncInterval)
		}
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
}

// step sends what differs between the host's status and what was last
// sent: the label first, then the counters, then the state, so the
// GameServer is labelled and counted before it is Ready.
func (s *SDK) step(ctx context.Context, last *sent) error {
	st := s.opts.Status()
	ctx, cancel := context.WithTimeout(ctx, s.opts.CallTimeout)
	defer cancel()
	if s.opts.Region != "" && !last.label {
		if err := s.c.setLabel(ctx, "region", s.opts.Region); err != nil {
			return err
		}
		last.label = true
	}
	if st.Players != last.players {
		capacity := int64(-1)
		if last.players < 0 && s.opts.Capacity > 0 {
			capacity = int64(s.opts.Capacity)
		}
		if err := s.c.setCounter(ctx, "players", int64(st.Players), capacity); err != nil {
			return err
		}
		last.players = st.Players
	}
	if st.Matches != last.matches {
		if err := s.c.setCounter(ctx, "matches", int64(st.Matches), -1); err != nil {
			return err
		}
		last.matches = st.Matches
	}
	want := ""
	switch st.State {
	case "ready":
		want = "Ready" // again after its matches ended: Agones may scale it down
	case "allocated":
		want = "Allocated" // running matches: Agones keeps it through scale-downs
	}
	if want == "" || want == last.state {
		return nil
	}
	// A host given a match before its first sync is Ready first, as
	// Agones expects of a GameServer it has not allocated itself.
	if last.state == "" || want == "Ready" {
		if err := s.c.post(ctx, "/ready"); err != nil {
			return err
		}
		last.state = "Ready"
		s.opts.Logger.Info("agones: state", "state", "Ready", "players", st.Players, "matches", st.Matches)
	}
	if want == "Allocated" {
		if err := s.c.post(ctx, "/allocate"); err != nil {
			return err
		}
		last.state = "Allocated"
		s.opts.Logger.Info("agones: state", "state", "Allocated", "players", st.Players, "matches", st.Matches)
	}
	return nil
}

// gameServer reads the GameServer's name, for the logs.
func (s *SDK) gameServer(ctx context.Context) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, s.opts.CallTimeout)
	defer cancel()
	body, err := s.c.call(ctx, http.MethodGet, "/gameserver", "")
	if err != nil {
		return "", err
	}
	var gs struct {
		Meta struct {
			Name string `json:"name"`
		} `json:"object_meta"`
	}
	if err := json.Unmarshal(body, &gs); err != nil {
		return "", err
	}
	return gs.Meta.Name, nil
}
