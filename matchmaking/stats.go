package matchmaking

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"
)

// Stats is the matchmaker's state for operators.
type Stats struct {
	Passes           uint64        `json:"passes"`
	LastPassAt       time.Time     `json:"last_pass_at"`
	LastPassDuration time.Duration `json:"last_pass_ns"`
	Hosts            int           `json:"hosts"`
	Pools            []PoolStats   `json:"pools"` // by mode
}

// PoolStats describes one mode's pool.
type PoolStats struct {
	Mode    string `json:"mode"`
	Tickets int    `json:"tickets"` // queued now
	Players int    `json:"players"` // queued now
	// WaitP50 and WaitP99 are percentiles of the waits of recently
	// matched tickets (the last WaitSamples).
	WaitP50 time.Duration `json:"wait_p50_ns"`
	WaitP99 time.Duration `json:"wait_p99_ns"`
	// Waits is every matched ticket's wait since start, as a histogram.
	Waits WaitHistogram `json:"waits"`
	// Totals since start.
	Matches            uint64 `json:"matches"`
	Backfills          uint64 `json:"backfills"`     // tickets placed in running matches
	Assigned           uint64 `json:"assigned"`      // tickets, new matches and backfills
	TokensIssued       uint64 `json:"tokens_issued"` // join tokens of assigned tickets: one a player
	TimedOut           uint64 `json:"timed_out"`
	Cancelled          uint64 `json:"cancelled"`
	Failed             uint64 `json:"failed"`
	AllocationFailures uint64 `json:"allocation_failures"`
}

// poolStats is the running tally behind PoolStats.
type poolStats struct {
	waits    []time.Duration // ring of recent matched waits
	next     int
	p50, p99 time.Duration

	hist WaitHistogram

	matches, backfills, assigned, tokens, timedOut, cancelled, failed, allocFailures uint64
}

func newPoolStats(samples int) *poolStats {
	bounds := WaitBounds()
	return &poolStats{waits: make([]time.Duration, 0, samples),
		hist: WaitHistogram{Bounds: bounds, Counts: make([]uint64, len(bounds))}}
}

// WaitBounds are the upper bounds of the wait histogram's buckets, in
// seconds: from half a second to ten minutes.
func WaitBounds() []float64 {
	return []float64{0.5, 1, 2, 5, 10, 20, 30, 45, 60, 90, 120, 180, 300, 600}
}

// WaitHistogram counts waits by bucket, as Prometheus does.
type WaitHistogram struct {
	// Bounds are the buckets' upper bounds in seconds (WaitBounds);
	// Counts[i] is the waits of at most Bounds[i], cumulative.
	Bounds []float64 `json:"bounds_s"`
	Counts []uint64  `json:"counts"`
	// Sum and Count are of every wait, those past the last bound too.
	Sum   time.Duration `json:"sum_ns"`
	Count uint64        `json:"count"`
}

func (h *WaitHistogram) observe(d time.Duration) {
	h.Sum += d
	h.Count++
	for i, b := range h.Bounds {
		if d.Seconds() <= b {
			h.Counts[i]++
		}
	}
}

func (h WaitHistogram) clone() WaitHistogram {
	h.Bounds, h.Counts = slices.Clone(h.Bounds), slices.Clone(h.Counts)
	return h
}

func (s *poolStats) addWait(d time.Duration) {
	s.hist.observe(d)
	if len(s.waits) < cap(s.waits) {
		s.waits = append(s.waits, d)
		return
	}
	s.waits[s.next] = d
	s.next = (s.next + 1) % len(s.waits)
}

// refresh recomputes the percentiles after a pass added waits.
func (s *poolStats) refresh() {
	if len(s.waits) == 0 {
		return
	}
	sorted := slices.Clone(s.waits)
	slices.Sort(sorted)
	s.p50 = percentile(sorted, 50)
	s.p99 = percentile(sorted, 99)
}

// percentile of sorted values, nearest rank.
func percentile(sorted []time.Duration, p int) time.Duration {
	i := (len(sorted)*p + 99) / 100
	return sorted[min(max(i-1, 0), len(sorted)-1)]
}

// Stats reports the pools, the last pass and the hosts.
func (m *Matchmaker) Stats(ctx context.Context) (Stats, error) {
	counts, err := m.store.Counts(ctx)
	if err != nil {
		return Stats{}, fmt.Errorf("matchmaking: stats: %w", err)
	}
	hosts, err := m.dir.Hosts(ctx)
	if err != nil {
		return Stats{}, fmt.Errorf("matchmaking: stats: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	st := Stats{Passes: m.passes, LastPassAt: m.lastAt, LastPassDuration: m.lastDur, Hosts: len(hosts),
		Pools: make([]PoolStats, 0, len(m.modeNames))}
	for _, name := range m.modeNames {
		ps := m.pools[name]
		c := counts[name]
		st.Pools = append(st.Pools, PoolStats{
			Mode: name, Tickets: c.Tickets, Players: c.Players, WaitP50: ps.p50, WaitP99: ps.p99, Waits: ps.hist.clone(),
			Matches: ps.matches, Backfills: ps.backfills, Assigned: ps.assigned, TokensIssued: ps.tokens, TimedOut: ps.timedOut,
			Cancelled: ps.cancelled, Failed: ps.failed, AllocationFailures: ps.allocFailures,
		})
	}
	return st, nil
}

// RegionCount is the queue of one mode in one region.
type RegionCount struct {
	Mode, Region string
	PoolCount
}

// AnyRegion is the region of tickets that name none.
const AnyRegion = "any"

// TicketRegion is the region a ticket is counted in: the one with the
// shortest round trip, or AnyRegion.
func TicketRegion(t *Ticket) string {
	best := AnyRegion
	var rtt time.Duration
	for i, r := range t.Regions {
		if i == 0 || r.RTT < rtt {
			best, rtt = r.Region, r.RTT
		}
	}
	return best
}

// QueueByRegion counts the queued tickets and players of every mode by
// region (TicketRegion), sorted by mode and region. It reads every queued
// ticket, as a pass does: for a scrape, not for a hot path.
func (m *Matchmaker) QueueByRegion(ctx context.Context) ([]RegionCount, error) {
	var out []RegionCount
	for _, mode := range m.modeNames {
		tickets, err := m.store.Queued(ctx, mode)
		if err != nil {
			return nil, fmt.Errorf("matchmaking: queue by region: %w", err)
		}
		by := map[string]PoolCount{AnyRegion: {}} // every mode has a series, even when empty
		for i := range tickets {
			r := TicketRegion(&tickets[i])
			c := by[r]
			c.Tickets++
			c.Players += tickets[i].Size()
			by[r] = c
		}
		for _, r := range slices.Sorted(maps.Keys(by)) {
			out = append(out, RegionCount{Mode: mode, Region: r, PoolCount: by[r]})
		}
	}
	return out, nil
}
