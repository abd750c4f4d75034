package record

import "github.com/prometheus/client_golang/prometheus"

// metrics counts recordings for Prometheus.
type metrics struct {
	started    prometheus.Counter
	incomplete prometheus.Counter
	failed     prometheus.Counter
	bytes      prometheus.Counter
}

func newMetrics() metrics {
	return metrics{
		started:    prometheus.NewCounter(prometheus.CounterOpts{Name: "skirmish_recordings_started_total", Help: "Match recordings started."}),
		incomplete: prometheus.NewCounter(prometheus.CounterOpts{Name: "skirmish_recordings_incomplete_total", Help: "Recordings cut short because their writer fell behind the match (the match never waits)."}),
		failed:     prometheus.NewCounter(prometheus.CounterOpts{Name: "skirmish_recordings_failed_total", Help: "Recordings whose file could not be written (a full disk)."}),
		bytes:      prometheus.NewCounter(prometheus.CounterOpts{Name: "skirmish_recording_bytes_total", Help: "Compressed bytes of finished recordings."}),
	}
}

func (m *metrics) register(reg prometheus.Registerer) error {
	for _, c := range []prometheus.Collector{m.started, m.incomplete, m.failed, m.bytes} {
		if err := reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}
