package matchapi

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/skirmishgg/skirmish/matchmaking"
	"github.com/skirmishgg/skirmish/server/netlimit"
)

// Options configures a Handler. A nil *Options, and every zero field, takes
// the default documented on the field.
type Options struct {
	// LocalHostID names the host running in this process, if any: its
	// assignments carry an empty host URL, which clients read as "the
	// server you queued on", so the embedded server works behind any
	// address. Default "": every assignment carries its host's URL.
	LocalHostID string

	// DefaultRegion is the region given to a Queue that names none.
	// Default "default".
	DefaultRegion string

	// HandshakeTimeout bounds the wait for the first Queue. Default 10s.
	HandshakeTimeout time.Duration

	// OriginPatterns are the browser origins, besides the server's own,
	// whose pages may open a queue connection (see
	// server.Options.AllowedOrigins). Default none: same origin and
	// native clients only.
	OriginPatterns []string

	// ControlLimits bound the ping and pong frames of a queue connection;
	// past them it is closed with 1008. Default netlimit's.
	ControlLimits netlimit.ReadLimits

	// Results, when set, answers GET /v1/matches/{id} for finished
	// matches. Default nil: only running matches are found.
	Results matchmaking.Results

	// Logger receives the adapter's logs. Default slog.Default().
	Logger *slog.Logger
}

func (o *Options) withDefaults() Options {
	var c Options
	if o != nil {
		c = *o
	}
	if c.DefaultRegion == "" {
		c.DefaultRegion = "default"
	}
	if c.HandshakeTimeout <= 0 {
		c.HandshakeTimeout = 10 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// API serves a Matchmaker over the network.
type API struct {
	mm   *matchmaking.Matchmaker
	opts Options
}

// New returns the adapter for mm. opts may be nil.
func New(mm *matchmaking.Matchmaker, opts *Options) *API {
	return &API{mm: mm, opts: opts.withDefaults()}
}

// Register adds the adapter's routes to mux.
func (a *API) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /v1/matchmaking/ws", a.serveQueue)
	mux.HandleFunc("GET /v1/matchmaking/stats", a.serveStats)
	mux.HandleFunc("GET /v1/matchmaking/tickets/{id}", a.serveTicket)
	mux.HandleFunc("GET /v1/matches/{id}", a.serveMatch)
}
