package matchapi_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/skirmishgg/skirmish/matchmaking"
	"github.com/skirmishgg/skirmish/server/matchapi"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// BenchmarkCollect is one scrape of a matchmaker with 10 000 tickets
// queued in 4 regions (memory store): the queue by region reads every
// queued ticket.
func BenchmarkCollect(b *testing.B) {
	ctx := context.Background()
	mm, err := matchmaking.New(&matchmaking.Options{Modes: []matchmaking.ModeConfig{{Name: "ffa", MaxPlayers: 16}}, Logger: servertest.Logger()})
	if err != nil {
		b.Fatal(err)
	}
	regions := []string{"eu", "us", "asia", "sa"}
	for i := range 10_000 {
		tk := matchmaking.Ticket{ID: matchmaking.TicketID(fmt.Sprint("t", i)), Mode: "ffa", CreatedAt: time.Now(),
			Players: []matchmaking.Player{{ID: fmt.Sprint("p", i)}},
			Regions: []matchmaking.RegionLatency{{Region: regions[i%len(regions)], RTT: time.Duration(i%50) * time.Millisecond}}}
		if _, err := mm.Enqueue(ctx, tk); err != nil {
			b.Fatal(err)
		}
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(matchapi.NewCollector(mm))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := reg.Gather(); err != nil {
			b.Fatal(err)
		}
	}
}
