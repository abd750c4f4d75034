package ws

import "github.com/prometheus/client_golang/prometheus"

// metrics is the adapter's self-measurement, for Prometheus.
type metrics struct {
	snapshots prometheus.Counter
	skipped   prometheus.Counter
	bytesOut  prometheus.Counter
	stalled   prometheus.Counter
	closed    *prometheus.CounterVec
	// looped is how many connections an event loop reads now.
	looped prometheus.Gauge
	// spectatorEncodes counts the shared spectator frames encoded, by
	// kind (delta, key): about one a snapshot a watched match, however
	// many watch it.
	spectatorEncodes *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		snapshots: prometheus.NewCounter(prometheus.CounterOpts{Name: "skirmish_snapshots_sent_total", Help: "Snapshot messages written to clients."}),
		skipped:   prometheus.NewCounter(prometheus.CounterOpts{Name: "skirmish_snapshots_skipped_total", Help: "Snapshots replaced in a client's mailbox before a sender took them (slow clients)."}),
		bytesOut:  prometheus.NewCounter(prometheus.CounterOpts{Name: "skirmish_bytes_out_total", Help: "Bytes written to clients: WebSocket frames, headers included."}),
		stalled: prometheus.NewCounter(prometheus.CounterOpts{Name: "skirmish_writes_stalled_total",
			Help: "Writes the kernel could not take at once (a client not reading fast enough), finished by a goroutine of that client's own."}),
		closed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "skirmish_sessions_closed_by_server_total", Help: "Sessions the server closed, by close code."},
			[]string{"code"}),
	}
	m.spectatorEncodes = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "skirmish_spectator_encodes_total",
		Help: "Spectator snapshots encoded, by kind (delta, key): each is shared by every spectator of its match."}, []string{"kind"})
	m.looped = prometheus.NewGauge(prometheus.GaugeOpts{Name: "skirmish_event_loop_connections",
		Help: "Seated players' and spectators' connections read by an event loop now (the others by a goroutine each)."})
	reg.MustRegister(m.snapshots, m.skipped, m.bytesOut, m.stalled, m.closed, m.spectatorEncodes, m.looped)
	return m
}
