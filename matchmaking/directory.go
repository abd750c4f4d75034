package matchmaking

import (
	"context"
	"time"
)

// Directory is the set of match hosts: where new matches go and which
// running matches have open seats. Implementations must be safe for
// concurrent use. MemoryDirectory is the in-process one.
type Directory interface {
	// Heartbeat registers a host or refreshes its report. A host with a
	// TTL disappears when it misses heartbeats for that long.
	Heartbeat(ctx context.Context, h Host) error

	// Deregister removes a host now; ErrHostNotFound.
	Deregister(ctx context.Context, hostID string) error

	// Hosts lists the live hosts, by ID.
	Hosts(ctx context.Context) ([]HostInfo, error)

	// Allocate picks the host for a new match: among those that take
	// matches (HostTakesMatches) and serve the mode in the region with
	// req.Seats free seats, the fullest (FillsBetter), so that empty hosts
	// can scale down. It reserves the seats and names a new match;
	// ErrNoCapacity when no host can take it.
	Allocate(ctx context.Context, req AllocationRequest) (Reservation, error)

	// OpenSlots lists the running matches of a mode with open seats, less
	// the seats already reserved for backfills.
	OpenSlots(ctx context.Context, mode string) ([]BackfillSlot, error)

	// ReserveBackfill reserves seats of a running match for a party:
	// seats in the given team (-1: any). ErrNoCapacity when the match no
	// longer has them, ErrHostNotFound when its host is gone.
	ReserveBackfill(ctx context.Context, slot BackfillSlot, team, seats int) (Reservation, error)

	// Release gives back a reservation that will not be used (its tickets
	// were cancelled while the pass ran).
	Release(ctx context.Context, r Reservation) error
}

// Host is a match host's registration and load report.
type Host struct {
	ID string `json:"id"`
	// URL is where players connect (a WebSocket URL).
	URL string `json:"url"`
	// Region is where the host runs; empty serves every region (the
	// embedded single-host default).
	Region string `json:"region"`
	// Modes it runs; empty runs every mode.
	Modes []string `json:"modes,omitempty"`
	// Capacity is the number of seats the host can run in total.
	Capacity int `json:"capacity"`
	// Used counts the seats of its running matches at their full size,
	// seats waiting for a token holder included.
	Used int `json:"used"`
	// TTL is how long the registration lasts without a heartbeat; 0 never
	// expires (a static host, such as the local one).
	TTL time.Duration `json:"ttl_ns"`
	// Matches are its running matches that have open seats, for backfill.
	Matches []RunningMatch `json:"matches,omitempty"`
	// Running lists the IDs of every match running on the host.
	Running []string `json:"running,omitempty"`
	// State is the host's lifecycle state: starting, ready, allocated,
	// draining or stopped. Only a ready or allocated host (or one that
	// reports none) takes new matches. Empty: ready.
	State string `json:"state,omitempty"`
}

// RunningMatch is a host's report on one running match with open seats.
type RunningMatch struct {
	ID   string `json:"id"`
	Mode string `json:"mode"`
	// Region defaults to the region the match was allocated in, then to
	// the host's.
	Region    string    `json:"region,omitempty"`
	OpenSeats int       `json:"open_seats"`
	TeamOpen  []int     `json:"team_open,omitempty"`
	MeanSkill float64   `json:"mean_skill"`
	OpenSince time.Time `json:"open_since"`
}

// HostInfo is a live host as the directory sees it.
type HostInfo struct {
	Host
	// Reserved counts seats reserved for new matches the host has not
	// reported yet; Free is Capacity - Used - Reserved.
	Reserved int       `json:"reserved"`
	Free     int       `json:"free"`
	LastSeen time.Time `json:"last_seen"`
}

// AllocationRequest asks for a host for a new match.
type AllocationRequest struct {
	Mode   string `json:"mode"`
	Region string `json:"region"`
	Seats  int    `json:"seats"`
}

// Reservation is seats held on a host: a new match (Allocate, Team -1) or
// seats of a running one (ReserveBackfill). It lapses at ExpiresAt: by
// then the host's own report accounts for the seats.
type Reservation struct {
	HostID    string    `json:"host_id"`
	HostURL   string    `json:"host_url"`
	MatchID   string    `json:"match_id"`
	Region    string    `json:"region"`
	Backfill  bool      `json:"backfill"`
	Team      int       `json:"team"`
	Seats     int       `json:"seats"`
	ExpiresAt time.Time `json:"expires_at"`
}
