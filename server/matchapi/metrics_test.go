package matchapi_test

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/skirmishgg/skirmish/matchmaking"
	"github.com/skirmishgg/skirmish/server/matchapi"
	"github.com/skirmishgg/skirmish/server/servertest"
)

func TestCollectorExportsTheQueueAndHosts(t *testing.T) {
	ctx := context.Background()
	mm, err := matchmaking.New(&matchmaking.Options{Modes: []matchmaking.ModeConfig{{Name: "duel", MaxPlayers: 2}}, Logger: servertest.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []matchmaking.Host{
		{ID: "h1", URL: "ws://h1/ws", Capacity: 8, State: "draining", TTL: time.Minute, Region: "eu", Modes: []string{"duel"}},
		{ID: "h2", URL: "ws://h2/ws", Capacity: 8, State: "ready", TTL: time.Minute, Region: "eu", Modes: []string{"duel"}},
	} {
		if err := mm.Directory().Heartbeat(ctx, h); err != nil {
			t.Fatal(err)
		}
	}
	t0 := time.Now()
	for _, tk := range []matchmaking.Ticket{
		{ID: "t1", Players: []matchmaking.Player{{ID: "p1"}}, Regions: []matchmaking.RegionLatency{{Region: "eu", RTT: 20 * time.Millisecond}}},
		// counted where its round trip is shortest
		{ID: "t2", Players: []matchmaking.Player{{ID: "p2"}}, Regions: []matchmaking.RegionLatency{{Region: "us", RTT: 50 * time.Millisecond}, {Region: "eu", RTT: 30 * time.Millisecond}}},
		{ID: "t3", Players: []matchmaking.Player{{ID: "p3"}}, Regions: []matchmaking.RegionLatency{{Region: "us", RTT: 10 * time.Millisecond}}},
	} {
		tk.Mode, tk.CreatedAt = "duel", t0
		if _, err := mm.Enqueue(ctx, tk); err != nil {
			t.Fatal(err)
		}
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(matchapi.NewCollector(mm))
	check := func(when string, want []metric) {
		t.Helper()
		for _, tc := range want {
			if got := servertest.Metric(t, reg, tc.name, tc.labels...); got != tc.want {
				t.Errorf("%s: %s%v = %v, want %v", when, tc.name, tc.labels, got, tc.want)
			}
		}
	}
	check("queued", []metric{
		{"skirmish_queue_tickets", []string{"mode", "duel", "region", "eu"}, 2},
		{"skirmish_queue_tickets", []string{"mode", "duel", "region", "us"}, 1},
		{"skirmish_queue_tickets", []string{"mode", "duel", "region", "any"}, 0},
		{"skirmish_queue_players", []string{"mode", "duel", "region", "eu"}, 2},
		{"skirmish_queue_wait_seconds", []string{"mode", "duel"}, 0},
		{"skirmish_join_tokens_issued_total", []string{"mode", "duel"}, 0},
		{"skirmish_hosts", []string{"state", "draining"}, 1},
		{"skirmish_hosts", []string{"state", "ready"}, 1},
		{"skirmish_matchmaker_scrape_errors_total", nil, 0},
	})

	if _, err := mm.RunPass(ctx, t0.Add(3*time.Second)); err != nil {
		t.Fatal(err)
	}
	check("after a pass that matched t1 and t2", []metric{
		{"skirmish_queue_tickets", []string{"mode", "duel", "region", "eu"}, 0},
		{"skirmish_queue_tickets", []string{"mode", "duel", "region", "us"}, 1},
		{"skirmish_queue_wait_seconds", []string{"mode", "duel"}, 2}, // observations
		{"skirmish_join_tokens_issued_total", []string{"mode", "duel"}, 2},
		{"skirmish_matches_formed_total", []string{"mode", "duel"}, 1},
	})
	// Both waited 3 s: above the 2 s bucket, inside the 5 s one.
	buckets := waitBuckets(t, reg)
	if buckets[2] != 0 || buckets[5] != 2 {
		t.Errorf("wait buckets %v: want 0 at le=2 and 2 at le=5", buckets)
	}
}

type metric struct {
	name   string
	labels []string
	want   float64
}

// waitBuckets returns the cumulative counts of skirmish_queue_wait_seconds
// by upper bound.
func waitBuckets(t *testing.T, reg prometheus.Gatherer) map[float64]uint64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[float64]uint64{}
	for _, f := range families {
		if f.GetName() != "skirmish_queue_wait_seconds" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, b := range m.GetHistogram().GetBucket() {
				out[b.GetUpperBound()] = b.GetCumulativeCount()
			}
		}
	}
	return out
}
