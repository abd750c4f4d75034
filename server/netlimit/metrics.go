package netlimit

import "github.com/prometheus/client_golang/prometheus"

type metrics struct {
	open    prometheus.Gauge
	refused *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		open: prometheus.NewGauge(prometheus.GaugeOpts{Name: "skirmish_connections_open",
			Help: "Connections open on the player listener, WebSockets included."}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "skirmish_connections_refused_total",
			Help: "Connections refused with 503 by a connection cap: server_full (-max-conns) or per_ip (-max-conns-per-ip)."},
			[]string{"reason"}),
	}
	for _, r := range []string{ReasonServerFull, ReasonPerIP} {
		m.refused.WithLabelValues(r)
	}
	if reg != nil {
		reg.MustRegister(m.open, m.refused)
	}
	return m
}
