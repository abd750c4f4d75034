package server

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics is the server's self-measurement, exported for Prometheus. The
// tick observes histograms and counters: each is a few atomic operations,
// never a lock another goroutine holds for long.
type metrics struct {
	registry *prometheus.Registry

	tickDuration prometheus.Histogram
	tickLateness prometheus.Histogram
	overruns     prometheus.Counter
	dropped      prometheus.Counter
	snapshots    prometheus.Counter
	skipped      prometheus.Counter
	bytesOut     prometheus.Counter
	stalled      prometheus.Counter
	kicked       *prometheus.CounterVec
}

// tickBuckets resolve tick times finely from 20 µs to about 150 ms, so the
// load tool can read percentiles off them.
var tickBuckets = prometheus.ExponentialBuckets(20e-6, 1.2, 50)

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		registry: reg,
		tickDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "skirmish_tick_duration_seconds", Help: "Time one simulation step took, joins, inputs, world and snapshot views included.",
			Buckets: tickBuckets,
		}),
		tickLateness: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "skirmish_tick_lateness_seconds", Help: "How late a step started after its due time.",
			Buckets: tickBuckets,
		}),
		overruns:  prometheus.NewCounter(prometheus.CounterOpts{Name: "skirmish_tick_overruns_total", Help: "Steps that took longer than a tick period."}),
		dropped:   prometheus.NewCounter(prometheus.CounterOpts{Name: "skirmish_ticks_dropped_total", Help: "Steps skipped after stalls longer than the catch-up bound."}),
		snapshots: prometheus.NewCounter(prometheus.CounterOpts{Name: "skirmish_snapshots_sent_total", Help: "Snapshot messages written to clients."}),
		skipped:   prometheus.NewCounter(prometheus.CounterOpts{Name: "skirmish_snapshots_skipped_total", Help: "Snapshots replaced in a client's mailbox before a sender took them (slow clients)."}),
		bytesOut:  prometheus.NewCounter(prometheus.CounterOpts{Name: "skirmish_bytes_out_total", Help: "Bytes written to clients: WebSocket frames, headers included."}),
		stalled: prometheus.NewCounter(prometheus.CounterOpts{Name: "skirmish_writes_stalled_total",
			Help: "Writes the kernel could not take at once (a client not reading fast enough), finished by a goroutine of that client's own."}),
		kicked: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "skirmish_sessions_closed_by_server_total", Help: "Sessions the server closed, by close code."},
			[]string{"code"}),
	}
	reg.MustRegister(m.tickDuration, m.tickLateness, m.overruns, m.dropped, m.snapshots, m.skipped, m.bytesOut, m.stalled, m.kicked)
	return m
}

// registerGauges adds the gauges read off a server at scrape time.
func (m *metrics) registerGauges(s *Server) {
	m.registry.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "skirmish_matches", Help: "Running matches."},
			func() float64 { return float64(len(s.Matches())) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "skirmish_players", Help: "Seats taken or kept, over all matches."},
			func() float64 {
				n := 0
				for _, m := range s.Matches() {
					n += m.Players
				}
				return float64(n)
			}),
	)
}

// handler serves the registry in the Prometheus text format.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}
