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
	}
	reg.MustRegister(m.tickDuration, m.tickLateness, m.overruns, m.dropped)
	return m
}
