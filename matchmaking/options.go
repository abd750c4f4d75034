package matchmaking

import (
	"crypto/rand"
	"io"
	"log/slog"
	"runtime"
	"time"
)

// Options configures a Matchmaker. A nil *Options, and every zero field,
// takes the default documented on the field; Modes is required.
type Options struct {
	// Modes are the game modes, one pool each. Zero fields of each take
	// the ModeConfig defaults. Required.
	Modes []ModeConfig

	// Interval is the time between matching passes in Run. Default 250ms.
	Interval time.Duration

	// Clock is the service's time source. Default time.Now.
	Clock func() time.Time

	// Store keeps the tickets. Default NewMemoryStore().
	Store Store

	// Directory is the set of hosts. Default a NewMemoryDirectory on
	// Clock and Rand, with no host: register one (the local host, with
	// Region "" and TTL 0, when embedded) before matches can be placed.
	Directory Directory

	// Signer signs join tokens. Default a fresh key from Rand; hosts get
	// the public key from Matchmaker.PublicKey.
	Signer *TokenSigner

	// TokenTTL is how long an assigned player has to present their join
	// token. Default 60s.
	TokenTTL time.Duration

	// Limits bound ticket fields. Default: see Limits.
	Limits *Limits

	// Retention is how long a ticket that left the queue still answers
	// Status. Default 10 minutes.
	Retention time.Duration
	// RetainedTickets caps the tickets that left the queue kept for
	// Status, oldest forgotten first; each pass trims the store back to
	// it. Default 10000.
	RetainedTickets int

	// WaitSamples is how many recent matched waits per pool feed the wait
	// percentiles and estimates. Default 1024.
	WaitSamples int

	// Rand makes ticket IDs and, by default, the signing key and match
	// IDs. Default crypto/rand.Reader.
	Rand io.Reader

	// Workers is how many goroutines sign join tokens during a pass (an
	// Ed25519 signature per player is most of a busy pass's cost). Default
	// GOMAXPROCS.
	Workers int

	// Leases decide which matchmaker runs each pool's pass when several
	// share a Store and a Directory (see Leases). Default
	// NewMemoryLeases(Clock): this process runs every pool.
	Leases Leases

	// Holder names this matchmaker to Leases. Default "mm_" and random hex
	// from Rand.
	Holder string

	// LeaseTTL is how long a pool's lease lasts without renewal: every pass
	// renews it, and a killed matchmaker's pools go to another one after
	// it. Keep it several Intervals long. Default max(5s, 4 × Interval).
	LeaseTTL time.Duration

	// Assignments, when set, receives every committed match and backfill
	// on its host's stream, after OnAssign and before the players are
	// told: hosts that run in other processes read it.
	Assignments AssignmentBus

	// OnAssign, when set, is called after each new match or backfill is
	// committed and before its players are told, from the pass, outside
	// every lock: the embedded host uses it to expect the players. It must
	// not block for long.
	OnAssign func(MatchAssignment)

	// Logger receives the service's logs. Default slog.Default().
	Logger *slog.Logger
}

func (o *Options) withDefaults() Options {
	var c Options
	if o != nil {
		c = *o
	}
	if c.Interval <= 0 {
		c.Interval = 250 * time.Millisecond
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	if c.Rand == nil {
		c.Rand = rand.Reader
	}
	if c.Store == nil {
		c.Store = NewMemoryStore()
	}
	if c.Directory == nil {
		c.Directory = NewMemoryDirectory(&DirectoryOptions{Clock: c.Clock, Rand: c.Rand})
	}
	if c.Leases == nil {
		c.Leases = NewMemoryLeases(c.Clock)
	}
	if c.LeaseTTL <= 0 {
		c.LeaseTTL = max(5*time.Second, 4*c.Interval)
	}
	if c.TokenTTL <= 0 {
		c.TokenTTL = 60 * time.Second
	}
	if c.Retention <= 0 {
		c.Retention = 10 * time.Minute
	}
	if c.RetainedTickets <= 0 {
		c.RetainedTickets = 10000
	}
	if c.WaitSamples <= 0 {
		c.WaitSamples = 1024
	}
	if c.Workers <= 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// MatchAssignment is a committed match or backfill, for Options.OnAssign.
type MatchAssignment struct {
	MatchID  string `json:"match_id"`
	HostID   string `json:"host_id"`
	HostURL  string `json:"host_url"`
	Mode     string `json:"mode"`
	Region   string `json:"region"`
	Backfill bool   `json:"backfill"`
	// Players are the new players, in the match's ticket order.
	Players []AssignedPlayer `json:"players"`
	// ExpiresAt is when their tokens stop admitting a first join.
	ExpiresAt time.Time `json:"expires_at"`
}

// AssignedPlayer is one player of a MatchAssignment.
type AssignedPlayer struct {
	TicketID TicketID `json:"ticket_id"`
	PlayerID string   `json:"player_id"`
	Name     string   `json:"name,omitempty"`
	Team     int      `json:"team"`
	Skill    float64  `json:"skill"` // the ticket's
	// Nonce is the player's token nonce (Claims.Nonce).
	Nonce string `json:"nonce"`
}
