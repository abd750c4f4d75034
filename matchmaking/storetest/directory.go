package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	mm "github.com/skirmishgg/skirmish/matchmaking"
)

// DirectoryConfig is what RunDirectory's factory must build a directory
// with.
type DirectoryConfig struct {
	// Clock is the directory's time source.
	Clock func() time.Time
	// ReservationTTL is how long reserved seats count.
	ReservationTTL time.Duration
}

// RunDirectory runs the Directory contract. newDir returns a fresh, empty
// directory on cfg for each subtest.
func RunDirectory(t *testing.T, newDir func(t *testing.T, cfg DirectoryConfig) mm.Directory) {
	run := func(name string, f func(t *testing.T, d mm.Directory, clock *Clock)) {
		t.Run(name, func(t *testing.T) {
			c := NewClock()
			f(t, newDir(t, DirectoryConfig{Clock: c.Now, ReservationTTL: 20 * time.Second}), c)
		})
	}
	run("Allocate", dirAllocate)
	run("Hosts", dirHosts)
	run("BadHost", dirBadHost)
	run("BackfillTeams", dirBackfillTeams)
	run("HeartbeatKeepsReservations", dirHeartbeatKeeps)
	run("RunningEndsReservation", dirRunningEndsReservation)
	run("Release", dirRelease)
	run("RaceAllocate", dirRaceAllocate)
	run("RaceAllocateHosts", dirRaceAllocateHosts)
	run("RaceBackfill", dirRaceBackfill)
}

func dirAllocate(t *testing.T, d mm.Directory, clock *Clock) {
	ctx := context.Background()
	for _, h := range []mm.Host{
		{ID: "eu-busy", URL: "ws://eu1", Region: "eu", Capacity: 100, Used: 80, State: "allocated"},
		{ID: "eu-idle", URL: "ws://eu2", Region: "eu", Capacity: 40, Used: 10},
		{ID: "eu-draining", URL: "ws://eu3", Region: "eu", Capacity: 1000, State: "draining"},
		{ID: "eu-starting", URL: "ws://eu4", Region: "eu", Capacity: 1000, State: "starting"},
		{ID: "us", URL: "ws://us", Region: "us", Capacity: 100},
		{ID: "duel-only", URL: "ws://d", Region: "eu", Capacity: 1000, Modes: []string{"duel"}},
	} {
		must(t, d.Heartbeat(ctx, h))
	}
	// The fullest host that takes matches first: eu-busy (20/100 free)
	// before eu-idle (30/40); draining and starting hosts take none.
	r, err := d.Allocate(ctx, mm.AllocationRequest{Mode: "m", Region: "eu", Seats: 10})
	must(t, err)
	if r.HostID != "eu-busy" || r.Region != "eu" || r.MatchID == "" || r.HostURL != "ws://eu1" || r.Team != -1 || r.Backfill || r.Seats != 10 {
		t.Fatalf("allocation %+v", r)
	}
	if !r.ExpiresAt.Equal(T0().Add(20 * time.Second)) {
		t.Fatalf("reservation expires at %v", r.ExpiresAt)
	}
	// eu-busy now has 10/100 free: still the fullest that fits.
	r2, err := d.Allocate(ctx, mm.AllocationRequest{Mode: "m", Region: "eu", Seats: 10})
	must(t, err)
	if r2.HostID != "eu-busy" || r2.MatchID == r.MatchID {
		t.Fatalf("second allocation %+v", r2)
	}
	// eu-busy is full: eu-idle (30/40) is next.
	r3, err := d.Allocate(ctx, mm.AllocationRequest{Mode: "m", Region: "eu", Seats: 15})
	must(t, err)
	if r3.HostID != "eu-idle" {
		t.Fatalf("third allocation %+v", r3)
	}
	if _, err := d.Allocate(ctx, mm.AllocationRequest{Mode: "m", Region: "eu", Seats: 16}); !errors.Is(err, mm.ErrNoCapacity) {
		t.Fatalf("over capacity: %v", err)
	}
	if r, err := d.Allocate(ctx, mm.AllocationRequest{Mode: "duel", Region: "eu", Seats: 500}); err != nil || r.HostID != "duel-only" {
		t.Fatalf("mode host: %+v %v", r, err)
	}
	if _, err := d.Allocate(ctx, mm.AllocationRequest{Mode: "m", Region: "ap", Seats: 1}); !errors.Is(err, mm.ErrNoCapacity) {
		t.Fatalf("no host in the region: %v", err)
	}
	if _, err := d.Allocate(ctx, mm.AllocationRequest{Mode: "m", Region: "eu", Seats: 0}); err == nil {
		t.Fatal("allocated no seats")
	}
	hosts, err := d.Hosts(ctx)
	must(t, err)
	if len(hosts) != 6 || hosts[0].ID != "duel-only" || hosts[1].ID != "eu-busy" || hosts[1].Reserved != 20 || hosts[1].Free != 0 ||
		hosts[3].ID != "eu-idle" || hosts[3].Reserved != 15 || hosts[3].Free != 15 || hosts[2].State != "draining" {
		t.Fatalf("hosts %+v", hosts)
	}
	// Releasing gives the seats back; reservations lapse after their TTL.
	must(t, d.Release(ctx, r3))
	if _, err := d.Allocate(ctx, mm.AllocationRequest{Mode: "m", Region: "eu", Seats: 20}); err != nil {
		t.Fatalf("after release: %v", err)
	}
	clock.Advance(19 * time.Second)
	if hosts, _ := d.Hosts(ctx); hosts[3].Reserved != 20 {
		t.Fatalf("reservation lapsed early: %+v", hosts[3])
	}
	clock.Advance(time.Second)
	hosts, err = d.Hosts(ctx)
	must(t, err)
	for _, h := range hosts {
		if h.Reserved != 0 || h.Free != h.Capacity-h.Used {
			t.Fatalf("reservations left after the TTL: %+v", h)
		}
	}
}

func dirHosts(t *testing.T, d mm.Directory, clock *Clock) {
	ctx := context.Background()
	must(t, d.Heartbeat(ctx, mm.Host{ID: "local", URL: "ws://local", Capacity: 10}))
	remote := mm.Host{ID: "remote", URL: "ws://r", Region: "eu", Modes: []string{"m"}, Capacity: 10, Used: 3, TTL: 5 * time.Second}
	must(t, d.Heartbeat(ctx, remote))
	clock.Advance(4 * time.Second)
	must(t, d.Heartbeat(ctx, remote))
	clock.Advance(4 * time.Second)
	hosts, err := d.Hosts(ctx)
	must(t, err)
	if len(hosts) != 2 || !sameJSON(t, hosts[1].Host, remote) || hosts[1].Free != 7 || !hosts[1].LastSeen.Equal(T0().Add(4*time.Second)) || !hosts[0].LastSeen.Equal(T0()) {
		t.Fatalf("hosts %+v", hosts)
	}
	clock.Advance(time.Second) // 5s since the last heartbeat: gone
	hosts, _ = d.Hosts(ctx)
	if len(hosts) != 1 || hosts[0].ID != "local" {
		t.Fatalf("after the TTL %+v", hosts)
	}
	if _, err := d.Allocate(ctx, mm.AllocationRequest{Mode: "m", Region: "eu", Seats: 1}); err != nil {
		t.Fatalf("the local host takes any region: %v", err)
	}
	// The local host (no region) takes any region.
	r, err := d.Allocate(ctx, mm.AllocationRequest{Mode: "m", Region: "ap", Seats: 4})
	must(t, err)
	if r.Region != "ap" || r.HostID != "local" {
		t.Fatalf("allocation %+v", r)
	}
	// Its running match reports no region: the slot gets the allocation's.
	must(t, d.Heartbeat(ctx, mm.Host{ID: "local", URL: "ws://local", Capacity: 10, Used: 4,
		Matches: []mm.RunningMatch{{ID: r.MatchID, Mode: "m", OpenSeats: 2, MeanSkill: 1400, OpenSince: T0()}}}))
	slots, err := d.OpenSlots(ctx, "m")
	must(t, err)
	if len(slots) != 1 || slots[0].Region != "ap" || slots[0].OpenSeats != 2 || slots[0].HostID != "local" || slots[0].MeanSkill != 1400 || !slots[0].OpenSince.Equal(T0()) {
		t.Fatalf("slots %+v", slots)
	}
	res, err := d.ReserveBackfill(ctx, slots[0], -1, 2)
	must(t, err)
	if !res.Backfill || res.MatchID != r.MatchID || res.Seats != 2 || res.Region != "ap" || res.HostURL != "ws://local" {
		t.Fatalf("backfill reservation %+v", res)
	}
	if _, err := d.ReserveBackfill(ctx, slots[0], -1, 1); !errors.Is(err, mm.ErrNoCapacity) {
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
	if _, err := d.ReserveBackfill(ctx, mm.BackfillSlot{MatchID: "gone", HostID: "local"}, -1, 1); !errors.Is(err, mm.ErrNoCapacity) {
		t.Fatalf("backfill of an unknown match: %v", err)
	}
	must(t, d.Deregister(ctx, "local"))
	if err := d.Deregister(ctx, "local"); !errors.Is(err, mm.ErrHostNotFound) {
		t.Fatalf("deregister twice: %v", err)
	}
	if _, err := d.ReserveBackfill(ctx, slots[0], -1, 1); !errors.Is(err, mm.ErrHostNotFound) {
		t.Fatalf("backfill on a gone host: %v", err)
	}
	if hosts, _ := d.Hosts(ctx); len(hosts) != 0 {
		t.Fatalf("hosts %+v", hosts)
	}
}

func dirBadHost(t *testing.T, d mm.Directory, _ *Clock) {
	ctx := context.Background()
	for _, bad := range []mm.Host{
		{URL: "ws://x"},
		{ID: "x"},
		{ID: "x", URL: "ws://x", Capacity: -1},
		{ID: "x", URL: "ws://x", Used: -1},
		{ID: "x", URL: "ws://x", TTL: -time.Second},
	} {
		if err := d.Heartbeat(ctx, bad); !errors.Is(err, mm.ErrBadHost) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	if hosts, _ := d.Hosts(ctx); len(hosts) != 0 {
		t.Fatalf("bad hosts registered: %+v", hosts)
	}
}

// dirBackfillTeams reserves one team's seats of a running match.
func dirBackfillTeams(t *testing.T, d mm.Directory, clock *Clock) {
	ctx := context.Background()
	must(t, d.Heartbeat(ctx, mm.Host{
		ID: "h2", URL: "ws://h2/ws", Region: "eu", Capacity: 8, Used: 8, TTL: 10 * time.Second,
		Matches: []mm.RunningMatch{
			{ID: "running", Mode: "squads", OpenSeats: 3, TeamOpen: []int{1, 2}, MeanSkill: 1500},
			{ID: "full", Mode: "squads", OpenSeats: 0},
		},
	}))
	slots, err := d.OpenSlots(ctx, "squads")
	must(t, err)
	if len(slots) != 1 || slots[0].MatchID != "running" {
		t.Fatalf("slots %+v", slots)
	}
	if _, err := d.ReserveBackfill(ctx, slots[0], 0, 2); !errors.Is(err, mm.ErrNoCapacity) {
		t.Fatalf("two seats in a team with one: %v", err)
	}
	res, err := d.ReserveBackfill(ctx, slots[0], 1, 2)
	must(t, err)
	if res.Team != 1 || res.Region != "eu" || res.HostURL != "ws://h2/ws" {
		t.Fatalf("reservation %+v", res)
	}
	slots, err = d.OpenSlots(ctx, "squads")
	must(t, err)
	if len(slots) != 1 || slots[0].OpenSeats != 1 || slots[0].TeamOpen[0] != 1 || slots[0].TeamOpen[1] != 0 || slots[0].Region != "eu" {
		t.Fatalf("slots after the reservation %+v", slots)
	}
	// The host stops heartbeating: it and its slots disappear.
	clock.Advance(10 * time.Second)
	slots, _ = d.OpenSlots(ctx, "squads")
	hosts, _ := d.Hosts(ctx)
	if len(slots) != 0 || len(hosts) != 0 {
		t.Fatalf("after the TTL: slots %+v hosts %+v", slots, hosts)
	}
	if _, err := d.ReserveBackfill(ctx, slots0(), 1, 1); !errors.Is(err, mm.ErrHostNotFound) {
		t.Fatalf("backfill on an expired host: %v", err)
	}
	if err := d.Release(ctx, res); !errors.Is(err, mm.ErrHostNotFound) {
		t.Fatalf("release on an expired host: %v", err)
	}
}

func slots0() mm.BackfillSlot { return mm.BackfillSlot{MatchID: "running", HostID: "h2"} }

// dirHeartbeatKeeps: a host's report does not wipe the reservations made
// since (they lapse only with their TTL), and seats it no longer reports
// as running still count while reserved.
func dirHeartbeatKeeps(t *testing.T, d mm.Directory, clock *Clock) {
	ctx := context.Background()
	h := mm.Host{ID: "h", URL: "ws://h", Capacity: 10, TTL: 30 * time.Second}
	must(t, d.Heartbeat(ctx, h))
	_, err := d.Allocate(ctx, mm.AllocationRequest{Mode: "m", Seats: 6})
	must(t, err)
	clock.Advance(time.Second)
	must(t, d.Heartbeat(ctx, h))
	hosts, err := d.Hosts(ctx)
	must(t, err)
	if len(hosts) != 1 || hosts[0].Reserved != 6 || hosts[0].Free != 4 {
		t.Fatalf("hosts %+v", hosts)
	}
	if _, err := d.Allocate(ctx, mm.AllocationRequest{Mode: "m", Seats: 5}); !errors.Is(err, mm.ErrNoCapacity) {
		t.Fatalf("allocated over a reservation: %v", err)
	}
}

func dirRelease(t *testing.T, d mm.Directory, _ *Clock) {
	ctx := context.Background()
	must(t, d.Heartbeat(ctx, mm.Host{ID: "h", URL: "ws://h", Capacity: 10}))
	r, err := d.Allocate(ctx, mm.AllocationRequest{Mode: "m", Seats: 6})
	must(t, err)
	must(t, d.Release(ctx, r))
	must(t, d.Release(ctx, r)) // twice: nothing left to release
	other := r
	other.MatchID = "m_unknown"
	must(t, d.Release(ctx, other))
	if hosts, _ := d.Hosts(ctx); hosts[0].Reserved != 0 || hosts[0].Free != 10 {
		t.Fatalf("hosts %+v", hosts)
	}
	other.HostID = "nope"
	if err := d.Release(ctx, other); !errors.Is(err, mm.ErrHostNotFound) {
		t.Fatalf("release on an unknown host: %v", err)
	}
}

// dirRaceAllocate races allocations on a nearly full host while it keeps
// heartbeating: exactly its free seats are reserved, never more.
func dirRaceAllocate(t *testing.T, d mm.Directory, _ *Clock) {
	ctx := context.Background()
	h := mm.Host{ID: "h", URL: "ws://h", Capacity: 10, Used: 7, TTL: time.Minute}
	must(t, d.Heartbeat(ctx, h))
	var won atomic.Int32
	race(racers+1, func(i int) {
		if i == racers {
			for range 5 {
				must(t, d.Heartbeat(ctx, h))
			}
			return
		}
		_, err := d.Allocate(ctx, mm.AllocationRequest{Mode: "m", Seats: 1})
		switch {
		case err == nil:
			won.Add(1)
		case !errors.Is(err, mm.ErrNoCapacity):
			t.Errorf("allocate: %v", err)
		}
	})
	hosts, err := d.Hosts(ctx)
	must(t, err)
	if won.Load() != 3 || hosts[0].Reserved != 3 || hosts[0].Free != 0 {
		t.Fatalf("%d allocations won; host %+v", won.Load(), hosts[0])
	}
}

func dirRaceAllocateHosts(t *testing.T, d mm.Directory, _ *Clock) {
	ctx := context.Background()
	for i := range 3 {
		must(t, d.Heartbeat(ctx, mm.Host{ID: fmt.Sprint("h", i), URL: fmt.Sprint("ws://h", i), Capacity: 5}))
	}
	var won atomic.Int32
	race(racers, func(int) {
		_, err := d.Allocate(ctx, mm.AllocationRequest{Mode: "m", Seats: 2})
		switch {
		case err == nil:
			won.Add(1)
		case !errors.Is(err, mm.ErrNoCapacity):
			t.Errorf("allocate: %v", err)
		}
	})
	hosts, err := d.Hosts(ctx)
	must(t, err)
	if won.Load() != 6 {
		t.Fatalf("%d allocations won, want 6", won.Load())
	}
	for _, h := range hosts {
		if h.Reserved != 4 || h.Free != 1 {
			t.Fatalf("host %+v", h)
		}
	}
}

func dirRaceBackfill(t *testing.T, d mm.Directory, _ *Clock) {
	ctx := context.Background()
	must(t, d.Heartbeat(ctx, mm.Host{ID: "h", URL: "ws://h", Capacity: 10, Used: 10,
		Matches: []mm.RunningMatch{{ID: "run", Mode: "m", OpenSeats: 3, MeanSkill: 1500}}}))
	slots, err := d.OpenSlots(ctx, "m")
	must(t, err)
	var won atomic.Int32
	race(racers, func(int) {
		_, err := d.ReserveBackfill(ctx, slots[0], -1, 1)
		switch {
		case err == nil:
			won.Add(1)
		case !errors.Is(err, mm.ErrNoCapacity):
			t.Errorf("reserve backfill: %v", err)
		}
	})
	if won.Load() != 3 {
		t.Fatalf("%d backfill reservations won, want 3", won.Load())
	}
	if slots, _ := d.OpenSlots(ctx, "m"); len(slots) != 0 {
		t.Fatalf("slots %+v", slots)
	}
}

// dirRunningEndsReservation: once the host reports a new match running,
// its Used counts it and the allocation's reservation ends, so seats the
// host frees early (a claim window that passed unused) are free at its
// next heartbeat, not when the reservation would have lapsed.
func dirRunningEndsReservation(t *testing.T, d mm.Directory, clock *Clock) {
	ctx := context.Background()
	h := mm.Host{ID: "h", URL: "ws://h", Capacity: 10, TTL: time.Minute}
	must(t, d.Heartbeat(ctx, h))
	a, err := d.Allocate(ctx, mm.AllocationRequest{Mode: "m", Region: "eu", Seats: 6})
	must(t, err)
	b, err := d.Allocate(ctx, mm.AllocationRequest{Mode: "m", Seats: 2})
	must(t, err)
	free := func() (reserved, free int) {
		t.Helper()
		hosts, err := d.Hosts(ctx)
		must(t, err)
		return hosts[0].Reserved, hosts[0].Free
	}
	tests := []struct {
		name           string
		report         mm.Host
		reserved, free int
	}{
		{"allocated, not reported yet", h, 8, 2},
		{"a reported running (full): its seats in Used only", func() mm.Host {
			r := h
			r.Used, r.Running = 6, []string{a.MatchID}
			return r
		}(), 2, 2},
		{"a ended early (seats never claimed)", h, 2, 8},
	}
	for _, tc := range tests {
		clock.Advance(time.Second)
		must(t, d.Heartbeat(ctx, tc.report))
		if r, f := free(); r != tc.reserved || f != tc.free {
			t.Fatalf("%s: reserved %d, free %d; want %d and %d", tc.name, r, f, tc.reserved, tc.free)
		}
	}
	must(t, d.Release(ctx, a)) // ended already: nothing to release
	must(t, d.Release(ctx, b))
	if r, f := free(); r != 0 || f != 10 {
		t.Fatalf("after releases: reserved %d, free %d", r, f)
	}
}
