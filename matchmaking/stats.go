package matchmaking

import (
	"context"
	"fmt"
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
	// Totals since start.
	Matches            uint64 `json:"matches"`
	Backfills          uint64 `json:"backfills"` // tickets placed in running matches
	Assigned           uint64 `json:"assigned"`  // tickets, new matches and backfills
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

	matches, backfills, assigned, timedOut, cancelled, failed, allocFailures uint64
}

func newPoolStats(samples int) *poolStats {
	return &poolStats{waits: make([]time.Duration, 0, samples)}
}

func (s *poolStats) addWait(d time.Duration) {
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
			Mode: name, Tickets: c.Tickets, Players: c.Players, WaitP50: ps.p50, WaitP99: ps.p99,
			Matches: ps.matches, Backfills: ps.backfills, Assigned: ps.assigned, TimedOut: ps.timedOut,
			Cancelled: ps.cancelled, Failed: ps.failed, AllocationFailures: ps.allocFailures,
		})
	}
	return st, nil
}
