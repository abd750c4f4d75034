package matchapi

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/skirmishgg/skirmish/matchmaking"
)

// Collector exports a matchmaker's figures to Prometheus, read at scrape
// time from its stats and its host directory: queue depth by mode and
// region, waits, matches formed, tickets placed and dropped, join tokens
// issued, and hosts by lifecycle state. A scrape that cannot read the
// shared store reports nothing for that part and counts the failure.
type Collector struct {
	mm *matchmaking.Matchmaker

	queueTickets, queuePlayers, wait, hosts *prometheus.Desc
	matches, backfills, assigned, timedOut  *prometheus.Desc
	tokens                                  *prometheus.Desc
	cancelled, failed, allocFailures        *prometheus.Desc
	scrapeErrors                            prometheus.Counter
}

// NewCollector returns the collector of mm; register it with a registry.
func NewCollector(mm *matchmaking.Matchmaker) *Collector {
	mode := []string{"mode"}
	return &Collector{
		mm:            mm,
		queueTickets:  prometheus.NewDesc("skirmish_queue_tickets", "Tickets waiting in the queue, by the region of their shortest round trip (\"any\": none named).", []string{"mode", "region"}, nil),
		queuePlayers:  prometheus.NewDesc("skirmish_queue_players", "Players waiting in the queue, by the region of their ticket's shortest round trip (\"any\": none named).", []string{"mode", "region"}, nil),
		wait:          prometheus.NewDesc("skirmish_queue_wait_seconds", "Wait of the tickets this matchmaker assigned, from queueing to assignment.", mode, nil),
		tokens:        prometheus.NewDesc("skirmish_join_tokens_issued_total", "Join tokens this matchmaker issued: one a player of each assigned ticket.", mode, nil),
		hosts:         prometheus.NewDesc("skirmish_hosts", "Live match hosts in the directory, by lifecycle state.", []string{"state"}, nil),
		matches:       prometheus.NewDesc("skirmish_matches_formed_total", "New matches formed by this matchmaker.", mode, nil),
		backfills:     prometheus.NewDesc("skirmish_backfills_total", "Tickets placed in running matches by this matchmaker.", mode, nil),
		assigned:      prometheus.NewDesc("skirmish_tickets_assigned_total", "Tickets assigned (join tokens issued to their players) by this matchmaker.", mode, nil),
		timedOut:      prometheus.NewDesc("skirmish_tickets_timed_out_total", "Tickets dropped after waiting too long.", mode, nil),
		cancelled:     prometheus.NewDesc("skirmish_tickets_cancelled_total", "Tickets their players cancelled.", mode, nil),
		failed:        prometheus.NewDesc("skirmish_tickets_failed_total", "Tickets refused by a pass (no region, party too large for a team).", mode, nil),
		allocFailures: prometheus.NewDesc("skirmish_allocation_failures_total", "Matches and backfills no host could take.", mode, nil),
		scrapeErrors: prometheus.NewCounter(prometheus.CounterOpts{Name: "skirmish_matchmaker_scrape_errors_total",
			Help: "Scrapes that could not read the matchmaker's store or directory."}),
	}
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.queueTickets, c.queuePlayers, c.wait, c.hosts, c.matches, c.backfills,
		c.assigned, c.tokens, c.timedOut, c.cancelled, c.failed, c.allocFailures} {
		ch <- d
	}
	c.scrapeErrors.Describe(ch)
}

// Collect implements prometheus.Collector.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if st, err := c.mm.Stats(ctx); err != nil {
		c.scrapeErrors.Inc()
	} else {
		for _, p := range st.Pools {
			counter := func(d *prometheus.Desc, v uint64) {
				ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), p.Mode)
			}
			buckets := make(map[float64]uint64, len(p.Waits.Bounds))
			for i, b := range p.Waits.Bounds {
				buckets[b] = p.Waits.Counts[i]
			}
			ch <- prometheus.MustNewConstHistogram(c.wait, p.Waits.Count, p.Waits.Sum.Seconds(), buckets, p.Mode)
			counter(c.matches, p.Matches)
			counter(c.tokens, p.TokensIssued)
			counter(c.backfills, p.Backfills)
			counter(c.assigned, p.Assigned)
			counter(c.timedOut, p.TimedOut)
			counter(c.cancelled, p.Cancelled)
			counter(c.failed, p.Failed)
			counter(c.allocFailures, p.AllocationFailures)
		}
	}
	if queues, err := c.mm.QueueByRegion(ctx); err != nil {
		c.scrapeErrors.Inc()
	} else {
		for _, q := range queues {
			ch <- prometheus.MustNewConstMetric(c.queueTickets, prometheus.GaugeValue, float64(q.Tickets), q.Mode, q.Region)
			ch <- prometheus.MustNewConstMetric(c.queuePlayers, prometheus.GaugeValue, float64(q.Players), q.Mode, q.Region)
		}
	}
	if hosts, err := c.mm.Directory().Hosts(ctx); err != nil {
		c.scrapeErrors.Inc()
	} else {
		byState := map[string]int{"starting": 0, "ready": 0, "allocated": 0, "draining": 0, "stopped": 0}
		for _, h := range hosts {
			state := h.State
			if state == "" {
				state = "ready"
			}
			byState[state]++
		}
		for state, n := range byState {
			ch <- prometheus.MustNewConstMetric(c.hosts, prometheus.GaugeValue, float64(n), state)
		}
	}
	c.scrapeErrors.Collect(ch)
}
