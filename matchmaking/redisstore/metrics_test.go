package redisstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/skirmishgg/skirmish/matchmaking/redisstore"
	"github.com/skirmishgg/skirmish/matchmaking/storetest"
	"github.com/skirmishgg/skirmish/server/servertest"
)

func TestInstrument(t *testing.T) {
	r := storetest.StartRedis(t, nil)
	c := connect(t, r)
	reg := prometheus.NewRegistry()
	redisstore.Instrument(c, reg)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	metric := func(name, command string) float64 { return servertest.Metric(t, reg, name, "command", command) }
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.Get(ctx, "missing").Err(); !errors.Is(err, redis.Nil) {
		t.Fatalf("get of a missing key: %v", err)
	}
	if _, err := c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Incr(ctx, "n")
		p.Incr(ctx, "n")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// go-redis v9.23 runs a MULTI/EXEC pipeline through the pipeline hook
	// more than once; it is observed, however many times.
	if got := metric("skirmish_redis_command_duration_seconds", "pipeline"); got < 1 {
		t.Errorf("pipeline observed %v times", got)
	}
	for _, tc := range []struct {
		name, command string
		want          float64
	}{
		{"skirmish_redis_command_duration_seconds", "set", 1},
		{"skirmish_redis_command_duration_seconds", "get", 1},
		{"skirmish_redis_errors_total", "get", 0}, // a missing key is an answer
		{"skirmish_redis_errors_total", "set", 0},
	} {
		if got := metric(tc.name, tc.command); got != tc.want {
			t.Errorf("%s{command=%q} = %v, want %v", tc.name, tc.command, got, tc.want)
		}
	}

	r.Kill()
	if err := c.Set(ctx, "k", "w", 0).Err(); err == nil {
		t.Fatal("set with Redis killed: no error")
	}
	if got := metric("skirmish_redis_errors_total", "set"); got != 1 {
		t.Errorf("errors of set with Redis down = %v, want 1", got)
	}
	if got := metric("skirmish_redis_command_duration_seconds", "set"); got != 2 {
		t.Errorf("set observed %v times, want 2", got)
	}
}
