package matchmaking

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestDirectoryAllocate(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	d := NewMemoryDirectory(&DirectoryOptions{Clock: clock.Now, Rand: newSeededRand(1), ReservationTTL: 20 * time.Second})
	for _, h := range []Host{
		{ID: "eu-busy", URL: "ws://eu1", Region: "eu", Capacity: 100, Used: 80},
		{ID: "eu-idle", URL: "ws://eu2", Region: "eu", Capacity: 40, Used: 10},
		{ID: "us", URL: "ws://us", Region: "us", Capacity: 100},
		{ID: "duel-only", URL: "ws://d", Region: "eu", Capacity: 1000, Modes: []string{"duel"}},
	} {
		must(t, d.Heartbeat(ctx, h))
	}
	r, err := d.Allocate(ctx, AllocationRequest{Mode: "m", Region: "eu", Seats: 10})
	must(t, err)
	if r.HostID != "eu-idle" || r.Region != "eu" || r.MatchID == "" || r.HostURL != "ws://eu2" || r.Team != -1 {
		t.Fatalf("allocation %+v", r)
	}
	// eu-idle now has 20/40 free, eu-busy 20/100: still the idle one.
	r2, err := d.Allocate(ctx, AllocationRequest{Mode: "m", Region: "eu", Seats: 10})
	must(t, err)
	if r2.HostID != "eu-idle" || r2.MatchID == r.MatchID {
		t.Fatalf("second allocation %+v", r2)
	}
	// 10/40 against 20/100: the busy one is less loaded now.
	r3, err := d.Allocate(ctx, AllocationRequest{Mode: "m", Region: "eu", Seats: 15})
	must(t, err)
	if r3.HostID != "eu-busy" {
		t.Fatalf("third allocation %+v", r3)
	}
	if _, err := d.Allocate(ctx, AllocationRequest{Mode: "m", Region: "eu", Seats: 11}); !errors.Is(err, ErrNoCapacity) {
		t.Fatalf("over capacity: %v", err)
	}
	if r, err := d.Allocate(ctx, AllocationRequest{Mode: "duel", Region: "eu", Seats: 500}); err != nil || r.HostID != "duel-only" {
		t.Fatalf("mode host: %+v %v", r, err)
	}
	if _, err := d.Allocate(ctx, AllocationRequest{Mode: "m", Region: "ap", Seats: 1}); !errors.Is(err, ErrNoCapacity) {
		t.Fatalf("no host in the region: %v", err)
	}
	// Releasing gives the seats back; reservations lapse after their TTL.
	must(t, d.Release(ctx, r3))
	if _, err := d.Allocate(ctx, AllocationRequest{Mode: "m", Region: "eu", Seats: 20}); err != nil {
		t.Fatalf("after release: %v", err)
	}
	clock.Advance(20 * time.Second)
	hosts, err := d.Hosts(ctx)
	must(t, err)
	for _, h := range hosts {
		if h.Reserved != 0 || h.Free != h.Capacity-h.Used {
			t.Fatalf("reservations left after the TTL: %+v", h)
		}
	}
}

func TestDirectoryHosts(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	d := NewMemoryDirectory(&DirectoryOptions{Clock: clock.Now})
	for _, bad := range []Host{{URL: "ws://x"}, {ID: "x"}, {ID: "x", URL: "ws://x", Capacity: -1}} {
		if err := d.Heartbeat(ctx, bad); !errors.Is(err, ErrBadHost) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	must(t, d.Heartbeat(ctx, Host{ID: "local", URL: "ws://local", Capacity: 10}))
	must(t, d.Heartbeat(ctx, Host{ID: "remote", URL: "ws://r", Region: "eu", Capacity: 10, TTL: 5 * time.Second}))
	clock.Advance(4 * time.Second)
	must(t, d.Heartbeat(ctx, Host{ID: "remote", URL: "ws://r", Region: "eu", Capacity: 10, TTL: 5 * time.Second}))
	clock.Advance(4 * time.Second)
	if hosts, _ := d.Hosts(ctx); len(hosts) != 2 {
		t.Fatalf("hosts %+v", hosts)
	}
	clock.Advance(time.Second)
	hosts, _ := d.Hosts(ctx)
	if len(hosts) != 1 || hosts[0].ID != "local" {
		t.Fatalf("after the TTL %+v", hosts)
	}
	// The local host (no region) takes any region.
	r, err := d.Allocate(ctx, AllocationRequest{Mode: "m", Region: "ap", Seats: 4})
	must(t, err)
	if r.Region != "ap" {
		t.Fatalf("allocation %+v", r)
	}
	// Its running match reports no region: the slot gets the allocation's.
	must(t, d.Heartbeat(ctx, Host{ID: "local", URL: "ws://local", Capacity: 10, Used: 4,
		Matches: []RunningMatch{{ID: r.MatchID, Mode: "m", OpenSeats: 2, MeanSkill: 1400}}}))
	slots, err := d.OpenSlots(ctx, "m")
	must(t, err)
	if len(slots) != 1 || slots[0].Region != "ap" || slots[0].OpenSeats != 2 {
		t.Fatalf("slots %+v", slots)
	}
	res, err := d.ReserveBackfill(ctx, slots[0], -1, 2)
	must(t, err)
	if _, err := d.ReserveBackfill(ctx, slots[0], -1, 1); !errors.Is(err, ErrNoCapacity) {
		t.Fatalf("second backfill: %v", err)
	}
	if slots, _ := d.OpenSlots(ctx, "m"); len(slots) != 0 {
		t.Fatalf("slots while reserved %+v", slots)
	}
	must(t, d.Release(ctx, res))
	if slots, _ := d.OpenSlots(ctx, "m"); len(slots) != 1 {
		t.Fatalf("slots after release %+v", slots)
	}
	if slots, _ := d.OpenSlots(ctx, "other"); len(slots) != 0 {
		t.Fatalf("slots of another mode %+v", slots)
	}
	if err := d.Deregister(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	if err := d.Deregister(ctx, "local"); !errors.Is(err, ErrHostNotFound) {
		t.Fatalf("deregister twice: %v", err)
	}
	if _, err := d.ReserveBackfill(ctx, slots[0], -1, 1); !errors.Is(err, ErrHostNotFound) {
		t.Fatalf("backfill on a gone host: %v", err)
	}
}
