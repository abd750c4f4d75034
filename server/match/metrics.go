package match

import "github.com/prometheus/client_golang/prometheus"

// Metrics is the match loops' self-measurement, for Prometheus. The tick
// observes histograms and counters: each is a few atomic operations, never
// a lock another goroutine holds for long.
type Metrics struct {
	tickDuration prometheus.Histogram
	tickLateness prometheus.Histogram
	overruns     prometheus.Counter
	dropped      prometheus.Counter
	// Seats reserved for a join token, by how they ended: the seat table
	// counts them as they change.
	tokensClaimed prometheus.Counter
	tokensExpired prometheus.Counter
}

// tickBuckets resolve tick times finely from 20 µs to about 150 ms, so the
// load tool can read percentiles off them.
func tickBuckets() []float64 { return prometheus.ExponentialBuckets(20e-6, 1.2, 50) }

// NewMetrics makes the loops' metrics and registers them with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		tickDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "skirmish_tick_duration_seconds", Help: "Time one simulation step took, joins, inputs, world and snapshot views included.",
			Buckets: tickBuckets(),
		}),
		tickLateness: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "skirmish_tick_lateness_seconds", Help: "How late a step started after its due time.",
			Buckets: tickBuckets(),
		}),
		overruns: prometheus.NewCounter(prometheus.CounterOpts{Name: "skirmish_tick_overruns_total", Help: "Steps that took longer than a tick period."}),
		dropped:  prometheus.NewCounter(prometheus.CounterOpts{Name: "skirmish_ticks_dropped_total", Help: "Steps skipped after stalls longer than the catch-up bound."}),
		tokensClaimed: prometheus.NewCounter(prometheus.CounterOpts{Name: "skirmish_join_tokens_claimed_total",
			Help: "Seats reserved for a join token that its player took."}),
		tokensExpired: prometheus.NewCounter(prometheus.CounterOpts{Name: "skirmish_join_tokens_expired_total",
			Help: "Seats reserved for a join token that were released unclaimed: the player never came before the seat's deadline or the match's end."}),
	}
	reg.MustRegister(m.tickDuration, m.tickLateness, m.overruns, m.dropped, m.tokensClaimed, m.tokensExpired)
	return m
}
