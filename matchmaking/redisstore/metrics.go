package redisstore

import (
	"context"
	"errors"
	"net"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
)

// Instrument measures every command and pipeline c sends: their
// round-trip time (skirmish_redis_command_duration_seconds{command}, a
// histogram; "pipeline" for a pipeline or transaction as a whole) and
// their failures (skirmish_redis_errors_total{command}), registered with
// reg. A missing key (redis.Nil) is an answer, not an error. Blocking
// reads (XREAD BLOCK) count their wait: tell them apart by command.
func Instrument(c redis.UniversalClient, reg prometheus.Registerer) {
	h := &metricsHook{
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "skirmish_redis_command_duration_seconds", Help: "Round-trip time of Redis commands and pipelines, queueing for a connection included.",
			Buckets: prometheus.ExponentialBuckets(100e-6, 2, 15), // 100 µs to 1.6 s
		}, []string{"command"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "skirmish_redis_errors_total", Help: "Redis commands and pipelines that failed (unreachable, timeout, error reply).",
		}, []string{"command"}),
	}
	reg.MustRegister(h.duration, h.errors)
	c.AddHook(h)
}

// metricsHook is the go-redis hook behind Instrument.
type metricsHook struct {
	duration *prometheus.HistogramVec
	errors   *prometheus.CounterVec
}

func (h *metricsHook) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := next(ctx, network, addr)
		if err != nil {
			h.errors.WithLabelValues("dial").Inc()
		}
		return conn, err
	}
}

func (h *metricsHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		start := time.Now()
		err := next(ctx, cmd)
		h.observe(cmd.Name(), start, err)
		return err
	}
}

func (h *metricsHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		start := time.Now()
		err := next(ctx, cmds)
		h.observe("pipeline", start, err)
		return err
	}
}

func (h *metricsHook) observe(command string, start time.Time, err error) {
	h.duration.WithLabelValues(command).Observe(time.Since(start).Seconds())
	if err != nil && !errors.Is(err, redis.Nil) {
		h.errors.WithLabelValues(command).Inc()
	}
}
