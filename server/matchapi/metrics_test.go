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
	if err := mm.Directory().Heartbeat(ctx, matchmaking.Host{ID: "h1", URL: "ws://h1/ws", Capacity: 8, State: "draining", TTL: time.Minute}); err != nil {
		t.Fatal(err)
	}
	if _, err := mm.Enqueue(ctx, matchmaking.Ticket{ID: "t1", Mode: "duel", Players: []matchmaking.Player{{ID: "p1"}}, CreatedAt: time.Now(),
		Regions: []matchmaking.RegionLatency{{Region: "eu", RTT: 20 * time.Millisecond}}}); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(matchapi.NewCollector(mm))
	for _, tc := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"skirmish_queue_tickets", []string{"mode", "duel"}, 1},
		{"skirmish_queue_players", []string{"mode", "duel"}, 1},
		{"skirmish_hosts", []string{"state", "draining"}, 1},
		{"skirmish_hosts", []string{"state", "ready"}, 0},
		{"skirmish_matchmaker_scrape_errors_total", nil, 0},
	} {
		if got := servertest.Metric(t, reg, tc.name, tc.labels...); got != tc.want {
			t.Errorf("%s%v = %v, want %v", tc.name, tc.labels, got, tc.want)
		}
	}
}
