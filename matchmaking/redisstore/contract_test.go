package redisstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	mm "github.com/skirmishgg/skirmish/matchmaking"
	"github.com/skirmishgg/skirmish/matchmaking/redisstore"
	"github.com/skirmishgg/skirmish/matchmaking/storetest"
)

// connect opens a client on r, closed when the test ends.
func connect(t testing.TB, r *storetest.Redis) *redis.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := redisstore.Open(ctx, r.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// prefix gives each subtest its own keys in the shared Redis.
func prefix(t *testing.T) string { return strings.ReplaceAll(t.Name(), "/", ".") }

func TestStoreContract(t *testing.T) {
	c := connect(t, storetest.StartRedis(t, nil))
	storetest.RunStore(t, func(t *testing.T) mm.Store {
		return redisstore.NewStore(c, &redisstore.StoreOptions{Prefix: prefix(t)})
	})
}

func TestDirectoryContract(t *testing.T) {
	c := connect(t, storetest.StartRedis(t, nil))
	storetest.RunDirectory(t, func(t *testing.T, cfg storetest.DirectoryConfig) mm.Directory {
		return redisstore.NewDirectory(c, &redisstore.DirectoryOptions{Prefix: prefix(t), Clock: cfg.Clock, ReservationTTL: cfg.ReservationTTL})
	})
}

func TestLeasesContract(t *testing.T) {
	c := connect(t, storetest.StartRedis(t, nil))
	storetest.RunLeases(t, func(t *testing.T) mm.Leases {
		return redisstore.NewLeases(c, &redisstore.LeasesOptions{Prefix: prefix(t)})
	})
}

func TestAssignmentBusContract(t *testing.T) {
	c := connect(t, storetest.StartRedis(t, nil))
	storetest.RunAssignmentBus(t, func(t *testing.T) mm.AssignmentBus {
		return redisstore.NewAssignmentBus(c, &redisstore.BusOptions{Prefix: prefix(t)})
	})
}

func TestResultsContract(t *testing.T) {
	c := connect(t, storetest.StartRedis(t, nil))
	storetest.RunResults(t, func(t *testing.T) mm.Results {
		return redisstore.NewResults(c, &redisstore.ResultsOptions{Prefix: prefix(t)})
	})
}

func TestPartiesContract(t *testing.T) {
	c := connect(t, storetest.StartRedis(t, nil))
	storetest.RunParties(t, func(t *testing.T) mm.Parties {
		return redisstore.NewParties(c, &redisstore.PartiesOptions{Prefix: prefix(t)})
	})
}
