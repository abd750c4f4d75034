package redisstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	mm "github.com/skirmishgg/skirmish/matchmaking"
	"github.com/skirmishgg/skirmish/matchmaking/redisstore"
	"github.com/skirmishgg/skirmish/matchmaking/storetest"
)

// TestRestartKeepsTickets: with AOF on, a ticket queued (and a host
// registered) before Redis restarts is still there after, and the same
// client carries on.
func TestRestartKeepsTickets(t *testing.T) {
	ctx := context.Background()
	r := storetest.StartRedis(t, &storetest.RedisOptions{AOF: true})
	c := connect(t, r)
	s := redisstore.NewStore(c, nil)
	d := redisstore.NewDirectory(c, nil)
	tk := storetest.Ticket("t1", "m", time.Second, "p1")
	if err := s.Add(ctx, tk); err != nil {
		t.Fatal(err)
	}
	if err := d.Heartbeat(ctx, mm.Host{ID: "h", URL: "ws://h", Capacity: 8, TTL: time.Minute}); err != nil {
		t.Fatal(err)
	}
	r.Restart()
	var rec mm.Record
	var err error
	for deadline := time.Now().Add(5 * time.Second); ; { // pooled connections to the old process fail once
		if rec, err = s.Get(ctx, "t1"); err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil || rec.State != mm.StateQueued || rec.Ticket.Players[0].ID != "p1" {
		t.Fatalf("after the restart: %+v %v", rec, err)
	}
	if pos, err := s.Position(ctx, "t1"); err != nil || pos != 0 {
		t.Fatalf("position after the restart: %d %v", pos, err)
	}
	if err := s.Add(ctx, storetest.Ticket("t2", "m", 0, "p1")); !errors.Is(err, mm.ErrPlayerQueued) {
		t.Fatalf("the player index was lost: %v", err)
	}
	if hosts, err := d.Hosts(ctx); err != nil || len(hosts) != 1 {
		t.Fatalf("hosts after the restart: %+v %v", hosts, err)
	}
}

// TestRedisDownFailsFast: every call on a Redis that is down returns an
// error within 2 s, and the client works again once Redis is back.
func TestRedisDownFailsFast(t *testing.T) {
	r := storetest.StartRedis(t, nil)
	c := connect(t, r)
	s := redisstore.NewStore(c, nil)
	d := redisstore.NewDirectory(c, nil)
	l := redisstore.NewLeases(c, nil)
	bus := redisstore.NewAssignmentBus(c, nil)
	res := redisstore.NewResults(c, nil)
	ctx := context.Background()
	if err := s.Add(ctx, storetest.Ticket("t1", "m", 0, "p1")); err != nil {
		t.Fatal(err)
	}
	r.Kill()
	for name, call := range map[string]func() error{
		"Add":    func() error { return s.Add(ctx, storetest.Ticket("t2", "m", 0, "p2")) },
		"Get":    func() error { _, err := s.Get(ctx, "t1"); return err },
		"Queued": func() error { _, err := s.Queued(ctx, "m"); return err },
		"Finish": func() error {
			return s.Finish(ctx, []mm.Record{{Ticket: storetest.Ticket("t1", "m", 0), State: mm.StateCancelled}})
		},
		"Heartbeat": func() error { return d.Heartbeat(ctx, mm.Host{ID: "h", URL: "ws://h", Capacity: 4}) },
		"Allocate":  func() error { _, err := d.Allocate(ctx, mm.AllocationRequest{Mode: "m", Seats: 2}); return err },
		"Acquire":   func() error { _, err := l.Acquire(ctx, "m", "a", time.Second); return err },
		"Read":      func() error { _, _, err := bus.Read(ctx, "h", "", 10, 5*time.Second); return err },
		"Append":    func() error { return res.Append(ctx, mm.MatchResult{MatchID: "x"}) },
		"Open": func() error {
			c, err := redisstore.Open(ctx, r.URL)
			if err == nil {
				c.Close()
			}
			return err
		},
	} {
		start := time.Now()
		err := call()
		d := time.Since(start)
		if err == nil || d > 2*time.Second {
			t.Errorf("%s with Redis down: %v after %v", name, err, d)
		}
		t.Logf("%s with Redis down: error after %v: %v", name, d.Round(time.Millisecond), err)
	}
	r.Restart() // no AOF: empty
	var err error
	for deadline := time.Now().Add(5 * time.Second); ; {
		if err = s.Add(ctx, storetest.Ticket("t3", "m", 0, "p3")); err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("after Redis came back: %v", err)
	}
}

// TestRedisHungFailsFast: a Redis that accepts connections but never
// answers (a frozen process) gives an error within 2 s, not a hang.
func TestRedisHungFailsFast(t *testing.T) {
	r := storetest.StartRedis(t, nil)
	c := connect(t, r)
	s := redisstore.NewStore(c, nil)
	d := redisstore.NewDirectory(c, nil)
	ctx := context.Background()
	must(t, d.Heartbeat(ctx, mm.Host{ID: "h", URL: "ws://h", Capacity: 4}))
	r.Freeze()
	defer r.Thaw()
	for name, call := range map[string]func() error{
		"Add":      func() error { return s.Add(ctx, storetest.Ticket("t2", "m", 0, "p2")) },
		"Allocate": func() error { _, err := d.Allocate(ctx, mm.AllocationRequest{Mode: "m", Seats: 2}); return err },
		"Open": func() error {
			c, err := redisstore.Open(ctx, r.URL)
			if err == nil {
				c.Close()
			}
			return err
		},
	} {
		start := time.Now()
		err := call()
		d := time.Since(start)
		if err == nil || d > 2*time.Second {
			t.Errorf("%s with Redis hung: %v after %v", name, err, d)
		}
		t.Logf("%s with Redis hung: error after %v: %v", name, d.Round(time.Millisecond), err)
	}
	// A shorter context deadline wins over the client's timeouts.
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := s.Get(short, "t1"); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > time.Second {
		t.Errorf("Get with a 200ms deadline: %v after %v", err, time.Since(start))
	}
}

// TestOpenBadURL: a malformed URL fails without dialling.
func TestOpenBadURL(t *testing.T) {
	if _, err := redisstore.Open(context.Background(), "http://nope"); err == nil {
		t.Fatal("opened an http URL")
	}
}

// TestKeyExpiries: the safety nets are real key expiries: a host with a
// TTL, a final record, a lease, a host's stream and a result expire; a
// static host and a queued ticket do not.
func TestKeyExpiries(t *testing.T) {
	ctx := context.Background()
	c := connect(t, storetest.StartRedis(t, nil))
	s := redisstore.NewStore(c, &redisstore.StoreOptions{Prefix: "x", FinalTTL: time.Hour})
	d := redisstore.NewDirectory(c, &redisstore.DirectoryOptions{Prefix: "x"})
	must(t, d.Heartbeat(ctx, mm.Host{ID: "dyn", URL: "ws://d", Capacity: 4, TTL: 5 * time.Second}))
	must(t, d.Heartbeat(ctx, mm.Host{ID: "static", URL: "ws://s", Capacity: 4}))
	must(t, s.Add(ctx, storetest.Ticket("q", "m", 0, "p1")))
	must(t, s.Add(ctx, storetest.Ticket("f", "m", 0, "p2")))
	must(t, s.Finish(ctx, []mm.Record{{Ticket: storetest.Ticket("f", "m", 0), State: mm.StateCancelled}}))
	_, err := redisstore.NewLeases(c, &redisstore.LeasesOptions{Prefix: "x"}).Acquire(ctx, "m", "a", 3*time.Second)
	must(t, err)
	must(t, redisstore.NewAssignmentBus(c, &redisstore.BusOptions{Prefix: "x", IdleTTL: time.Minute}).Publish(ctx, "dyn", mm.MatchAssignment{MatchID: "m1"}))
	must(t, redisstore.NewResults(c, &redisstore.ResultsOptions{Prefix: "x", TTL: 2 * time.Hour}).Append(ctx, mm.MatchResult{MatchID: "m1"}))
	for key, want := range map[string][2]time.Duration{
		"{x}:h:dyn":      {30 * time.Second, 40 * time.Second}, // 2×TTL+30s
		"{x}:h:static":   {-1, -1},
		"{x}:t:q":        {-1, -1},
		"{x}:t:f":        {59 * time.Minute, time.Hour},
		"{x}:lease:m":    {2 * time.Second, 3 * time.Second},
		"{x}:assign:dyn": {59 * time.Second, time.Minute},
		"{x}:result:m1":  {119 * time.Minute, 2 * time.Hour},
	} {
		ttl, err := c.PTTL(ctx, key).Result()
		must(t, err)
		if want[0] == -1 {
			if ttl != -1 {
				t.Errorf("%s expires in %v; it must not expire", key, ttl)
			}
		} else if ttl < want[0] || ttl > want[1] {
			t.Errorf("%s expires in %v, want %v..%v", key, ttl, want[0], want[1])
		}
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestExpiredHostForgotten: when Redis expires a host's keys, the next
// read drops it from the host set.
func TestExpiredHostForgotten(t *testing.T) {
	ctx := context.Background()
	c := connect(t, storetest.StartRedis(t, nil))
	d := redisstore.NewDirectory(c, &redisstore.DirectoryOptions{Prefix: "x"})
	must(t, d.Heartbeat(ctx, mm.Host{ID: "a", URL: "ws://a", Capacity: 4, TTL: time.Minute}))
	must(t, d.Heartbeat(ctx, mm.Host{ID: "b", URL: "ws://b", Capacity: 4, TTL: time.Minute}))
	must(t, c.Del(ctx, "{x}:h:a").Err()) // as if it expired
	hosts, err := d.Hosts(ctx)
	must(t, err)
	if len(hosts) != 1 || hosts[0].ID != "b" {
		t.Fatalf("hosts %+v", hosts)
	}
	if ids, _ := c.SMembers(ctx, "{x}:hosts").Result(); len(ids) != 1 || ids[0] != "b" {
		t.Fatalf("host set %v", ids)
	}
}
