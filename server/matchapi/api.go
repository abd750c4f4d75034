package matchapi

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/skirmishgg/skirmish/matchmaking"
	"github.com/skirmishgg/skirmish/server/identity"
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

	// QueueRate and QueueBurst bound the messages a queue connection may
	// send: QueueRate a second on average, QueueBurst at once. Past them
	// the connection is closed with 1008. Default 20 and 40.
	QueueRate  float64
	QueueBurst int

	// MaxTicketsPerIP caps the live tickets of one client address:
	// queued, or assigned less than ClaimWindow ago. A Queue past it is
	// refused with too_many_tickets. Default 0: no cap (the commands'
	// -max-tickets-per-ip sets 8).
	MaxTicketsPerIP int
	// ClaimWindow is how long the hosts keep seats reserved for an
	// assignment whose players have not joined: an assigned ticket counts
	// as live for as long. Default 15s.
	ClaimWindow time.Duration

	// Logger receives the adapter's logs. Default slog.Default().
	Logger *slog.Logger

	// Identities verifies the identity tokens of queue connections and
	// party requests: the ticket's player is the token's subject. Default
	// nil: every Queue is refused (4007) and every party request (401).
	Identities *identity.Verifier
	// Parties keeps the parties formed by invite code. Default: in memory,
	// for one matchmaker process; a cluster shares redisstore.Parties.
	Parties matchmaking.Parties
	// PartyTTL is how long a party's invite code lives. Default 10m.
	PartyTTL time.Duration
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
	if c.QueueRate <= 0 {
		c.QueueRate = defaultQueueRate
	}
	if c.QueueBurst <= 0 {
		c.QueueBurst = defaultQueueBurst
	}
	if c.ClaimWindow <= 0 {
		c.ClaimWindow = defaultClaimHoldAfter
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Parties == nil {
		c.Parties = matchmaking.NewMemoryParties()
	}
	if c.PartyTTL <= 0 {
		c.PartyTTL = 10 * time.Minute
	}
	return c
}

// API serves a Matchmaker over the network.
type API struct {
	mm     *matchmaking.Matchmaker
	opts   Options
	perIP  *ipTickets
	owners owners // which queue connection each identity uses
}

// New returns the adapter for mm. opts may be nil.
func New(mm *matchmaking.Matchmaker, opts *Options) *API {
	o := opts.withDefaults()
	return &API{mm: mm, opts: o, perIP: newIPTickets(o.MaxTicketsPerIP, o.ClaimWindow), owners: owners{conns: map[string]*queueConn{}}}
}

// Register adds the adapter's routes to mux.
func (a *API) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /v1/matchmaking/ws", a.serveQueue)
	mux.HandleFunc("GET /v1/matchmaking/stats", a.serveStats)
	mux.HandleFunc("GET /v1/matchmaking/tickets/{id}", a.serveTicket)
	mux.HandleFunc("GET /v1/matches/{id}", a.serveMatch)
	a.registerParties(mux)
}
