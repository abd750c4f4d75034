package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/redis/go-redis/v9"

	mm "github.com/skirmishgg/skirmish/matchmaking"
)

// DirectoryOptions configures a Directory. A nil *DirectoryOptions, and
// every zero field, takes the default documented on the field.
type DirectoryOptions struct {
	// Prefix starts every key; see StoreOptions.Prefix. Default
	// DefaultPrefix.
	Prefix string
	// Clock is the time source of host liveness and reservations. Default
	// time.Now. Processes sharing a directory need clocks that agree to
	// well within a host TTL.
	Clock func() time.Time
	// Rand makes match IDs. Default crypto/rand.Reader.
	Rand io.Reader
	// ReservationTTL is how long reserved seats count against a host; see
	// matchmaking.DirectoryOptions.ReservationTTL. Default 30s.
	ReservationTTL time.Duration
	// MaxAttempts bounds the optimistic transaction's attempts when other
	// clients keep writing the same host. Default 100.
	MaxAttempts int
}

// Directory is a matchmaking.Directory in Redis: one key per host holding
// its report, LastSeen, reservations and allocation regions. It is safe
// for concurrent use by any number of processes sharing the Redis and the
// prefix.
//
// Every read-modify-write of a host (Heartbeat, Allocate,
// ReserveBackfill, Release) is an optimistic transaction: WATCH the
// host's key, GET it, decide in Go, then MULTI/SET/EXEC. Redis aborts the
// EXEC when any other client wrote the key after the WATCH, and the
// transaction starts again from a fresh read. So a seat check and the
// reservation it allows are one atomic step per host: two matchmakers
// racing for a host's last seats cannot both reserve them (the second
// EXEC fails, its retry sees the first's reservation), and a heartbeat
// racing an allocation never drops the reservation (it rewrites the
// state it read, reservation included, or retries). The choice among
// hosts reads a snapshot and may be stale; only the chosen host's
// capacity must be exact, and it is re-checked inside the transaction.
type Directory struct {
	c           redis.UniversalClient
	k           keys
	clock       func() time.Time
	rand        io.Reader
	resvTTL     time.Duration
	maxAttempts int
}

var _ mm.Directory = (*Directory)(nil)

// NewDirectory returns a Directory on c; opts may be nil.
func NewDirectory(c redis.UniversalClient, opts *DirectoryOptions) *Directory {
	var o DirectoryOptions
	if opts != nil {
		o = *opts
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	if o.ReservationTTL <= 0 {
		o.ReservationTTL = 30 * time.Second
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 100
	}
	return &Directory{c: c, k: newKeys(o.Prefix), clock: o.Clock, rand: o.Rand, resvTTL: o.ReservationTTL, maxAttempts: o.MaxAttempts}
}

func (d *Directory) hostKey(id string) string { return d.k.of("h", id) }
func (d *Directory) hostsKey() string         { return d.k.of("hosts") }

// hostState is a host's key.
type hostState struct {
	Host     mm.Host           `json:"host"`
	LastSeen time.Time         `json:"last_seen"`
	Resv     []mm.Reservation  `json:"resv,omitempty"`
	Regions  map[string]string `json:"regions,omitempty"` // match ID -> region it was allocated in
}

// live reports whether the host is within its TTL at now, as
// MemoryDirectory decides it.
func (h *hostState) live(now time.Time) bool {
	return h.Host.TTL <= 0 || now.Sub(h.LastSeen) < h.Host.TTL
}

// expire drops lapsed reservations.
func (h *hostState) expire(now time.Time) {
	h.Resv = slices.DeleteFunc(h.Resv, func(r mm.Reservation) bool { return !now.Before(r.ExpiresAt) })
}

func (h *hostState) reserved() int {
	n := 0
	for _, r := range h.Resv {
		if !r.Backfill {
			n += r.Seats
		}
	}
	return n
}

func (h *hostState) free() int { return h.Host.Capacity - h.Host.Used - h.reserved() }

func (h *hostState) serves(mode, region string) bool {
	return (h.Host.Region == "" || region == "" || h.Host.Region == region) &&
		(len(h.Host.Modes) == 0 || slices.Contains(h.Host.Modes, mode))
}

// slot is a running match's open seats less backfill reservations.
func (h *hostState) slot(m *mm.RunningMatch) mm.BackfillSlot {
	region := m.Region
	if region == "" {
		region = h.Regions[m.ID]
	}
	if region == "" {
		region = h.Host.Region
	}
	s := mm.BackfillSlot{
		MatchID: m.ID, HostID: h.Host.ID, Region: region, OpenSeats: m.OpenSeats,
		TeamOpen: slices.Clone(m.TeamOpen), MeanSkill: m.MeanSkill, OpenSince: m.OpenSince,
	}
	for _, r := range h.Resv {
		if !r.Backfill || r.MatchID != m.ID {
			continue
		}
		s.OpenSeats -= r.Seats
		if r.Team >= 0 && r.Team < len(s.TeamOpen) {
			s.TeamOpen[r.Team] -= r.Seats
		}
	}
	return s
}

// keyTTL is the real expiry of a host's key: a safety net well past the
// logical TTL, so that the injected clock decides liveness.
func keyTTL(ttl time.Duration) time.Duration {
	if ttl <= 0 {
		return 0
	}
	return 2*ttl + 30*time.Second
}

// decode reads a host's key; nil for a missing key or a dead host.
func decodeHost(raw string, now time.Time) (*hostState, error) {
	var h hostState
	if err := json.Unmarshal([]byte(raw), &h); err != nil {
		return nil, err
	}
	if !h.live(now) {
		return nil, nil
	}
	if h.Regions == nil {
		h.Regions = make(map[string]string)
	}
	h.expire(now)
	return &h, nil
}

// errStale: the host changed since Allocate's snapshot; pick again.
var errStale = errors.New("redisstore: host changed")

// modify runs fn on the host's live state (nil when it is missing or
// dead) in an optimistic transaction and writes the state fn returns (nil:
// nothing to write). See Directory for why it is race-free.
func (d *Directory) modify(ctx context.Context, hostID string, fn func(cur *hostState, now time.Time) (*hostState, error)) error {
	key := d.hostKey(hostID)
	for attempt := 1; ; attempt++ {
		err := d.c.Watch(ctx, func(tx *redis.Tx) error {
			now := d.clock()
			var cur *hostState
			raw, err := tx.Get(ctx, key).Result()
			switch {
			case errors.Is(err, redis.Nil):
			case err != nil:
				return err
			default:
				if cur, err = decodeHost(raw, now); err != nil {
					return fmt.Errorf("redisstore: host %s: %w", hostID, err)
				}
			}
			next, err := fn(cur, now)
			if err != nil || next == nil {
				return err
			}
			b, err := json.Marshal(next)
			if err != nil {
				return err
			}
			_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.Set(ctx, key, b, keyTTL(next.Host.TTL))
				p.SAdd(ctx, d.hostsKey(), hostID)
				return nil
			})
			return err
		}, key)
		if !errors.Is(err, redis.TxFailedErr) {
			return ctxErr(ctx, err)
		}
		if attempt >= d.maxAttempts {
			return fmt.Errorf("redisstore: host %s: gave up after %d conflicting attempts: %w", hostID, attempt, err)
		}
		if err := sleepCtx(ctx, backoff(attempt)); err != nil {
			return err
		}
	}
}

// Heartbeat implements matchmaking.Directory. A host that was dead (past
// its TTL) comes back fresh, without its old reservations.
func (d *Directory) Heartbeat(ctx context.Context, h mm.Host) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	switch {
	case h.ID == "" || h.URL == "":
		return fmt.Errorf("%w: a host needs an ID and a URL", mm.ErrBadHost)
	case h.Capacity < 0 || h.Used < 0 || h.TTL < 0:
		return fmt.Errorf("%w %s: negative capacity, use or TTL", mm.ErrBadHost, h.ID)
	}
	err := d.modify(ctx, h.ID, func(cur *hostState, now time.Time) (*hostState, error) {
		if cur == nil {
			cur = &hostState{Regions: make(map[string]string)}
		}
		cur.Host, cur.LastSeen = h, now
		// Forget allocation regions of matches that are neither reported
		// nor reserved any more.
		for id := range cur.Regions {
			if !slices.ContainsFunc(h.Matches, func(m mm.RunningMatch) bool { return m.ID == id }) &&
				!slices.ContainsFunc(cur.Resv, func(r mm.Reservation) bool { return r.MatchID == id }) {
				delete(cur.Regions, id)
			}
		}
		return cur, nil
	})
	if err != nil {
		return fmt.Errorf("redisstore: heartbeat %s: %w", h.ID, err)
	}
	return nil
}

// Deregister implements matchmaking.Directory.
func (d *Directory) Deregister(ctx context.Context, hostID string) error {
	var get *redis.StringCmd
	_, err := d.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		get = p.Get(ctx, d.hostKey(hostID))
		p.Del(ctx, d.hostKey(hostID))
		p.SRem(ctx, d.hostsKey(), hostID)
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("redisstore: deregister %s: %w", hostID, ctxErr(ctx, err))
	}
	raw, err := get.Result()
	if errors.Is(err, redis.Nil) {
		return fmt.Errorf("%w: %s", mm.ErrHostNotFound, hostID)
	}
	if h, err := decodeHost(raw, d.clock()); err != nil || h == nil {
		return fmt.Errorf("%w: %s", mm.ErrHostNotFound, hostID)
	}
	return nil
}

// live reads every live host, by ID. Keys that Redis expired leave the
// host set here.
func (d *Directory) live(ctx context.Context) ([]*hostState, time.Time, error) {
	ids, err := d.c.SMembers(ctx, d.hostsKey()).Result()
	if err != nil {
		return nil, time.Time{}, ctxErr(ctx, err)
	}
	if len(ids) == 0 {
		return nil, d.clock(), nil
	}
	slices.Sort(ids)
	ks := make([]string, len(ids))
	for i, id := range ids {
		ks[i] = d.hostKey(id)
	}
	vals, err := d.c.MGet(ctx, ks...).Result()
	if err != nil {
		return nil, time.Time{}, ctxErr(ctx, err)
	}
	now := d.clock()
	var out []*hostState
	var gone []any
	for i, v := range vals {
		raw, ok := v.(string)
		if !ok {
			gone = append(gone, ids[i])
			continue
		}
		h, err := decodeHost(raw, now)
		if err != nil {
			return nil, time.Time{}, fmt.Errorf("host %s: %w", ids[i], err)
		}
		if h != nil {
			out = append(out, h)
		}
	}
	if len(gone) > 0 {
		// A heartbeat may re-add one meanwhile; it SADDs again on its
		// next write, and a live host's key is never missing.
		_ = d.c.SRem(ctx, d.hostsKey(), gone...).Err()
	}
	return out, now, nil
}

// Hosts implements matchmaking.Directory.
func (d *Directory) Hosts(ctx context.Context) ([]mm.HostInfo, error) {
	hs, _, err := d.live(ctx)
	if err != nil {
		return nil, fmt.Errorf("redisstore: hosts: %w", err)
	}
	var out []mm.HostInfo
	for _, h := range hs {
		out = append(out, mm.HostInfo{Host: h.Host, Reserved: h.reserved(), Free: h.free(), LastSeen: h.LastSeen})
	}
	return out, nil
}

// pick is MemoryDirectory's choice: among the hosts serving the mode and
// region with enough free seats, the largest free share of its capacity,
// then the most free seats, then the smallest ID (hs is sorted by ID).
func pick(hs []*hostState, req mm.AllocationRequest) *hostState {
	var best *hostState
	for _, h := range hs {
		f := h.free()
		if !h.serves(req.Mode, req.Region) || f < req.Seats {
			continue
		}
		if best == nil {
			best = h
			continue
		}
		bf := best.free()
		l, r := int64(f)*int64(max(best.Host.Capacity, 1)), int64(bf)*int64(max(h.Host.Capacity, 1))
		if l > r || (l == r && f > bf) {
			best = h
		}
	}
	return best
}

// Allocate implements matchmaking.Directory. It picks a host from a
// snapshot, then reserves the seats in a transaction on that host's key
// that re-checks its capacity; when the host changed meanwhile it picks
// again from a fresh snapshot.
func (d *Directory) Allocate(ctx context.Context, req mm.AllocationRequest) (mm.Reservation, error) {
	if err := ctx.Err(); err != nil {
		return mm.Reservation{}, err
	}
	if req.Seats <= 0 {
		return mm.Reservation{}, fmt.Errorf("matchmaking: allocate %d seats", req.Seats)
	}
	id, err := newMatchID(d.rand)
	if err != nil {
		return mm.Reservation{}, err
	}
	for attempt := 1; ; attempt++ {
		hs, _, err := d.live(ctx)
		if err != nil {
			return mm.Reservation{}, fmt.Errorf("redisstore: allocate: %w", err)
		}
		best := pick(hs, req)
		if best == nil {
			return mm.Reservation{}, fmt.Errorf("%w: %d seats for mode %s in region %q", mm.ErrNoCapacity, req.Seats, req.Mode, req.Region)
		}
		var r mm.Reservation
		err = d.modify(ctx, best.Host.ID, func(cur *hostState, now time.Time) (*hostState, error) {
			if cur == nil || !cur.serves(req.Mode, req.Region) || cur.free() < req.Seats {
				return nil, errStale
			}
			region := req.Region
			if region == "" {
				region = cur.Host.Region
			}
			r = mm.Reservation{
				HostID: cur.Host.ID, HostURL: cur.Host.URL, MatchID: id, Region: region,
				Team: -1, Seats: req.Seats, ExpiresAt: now.Add(d.resvTTL),
			}
			cur.Resv = append(cur.Resv, r)
			cur.Regions[id] = region
			return cur, nil
		})
		switch {
		case err == nil:
			return r, nil
		case !errors.Is(err, errStale):
			return mm.Reservation{}, fmt.Errorf("redisstore: allocate: %w", err)
		case attempt >= d.maxAttempts:
			return mm.Reservation{}, fmt.Errorf("redisstore: allocate: gave up after %d attempts: %w", attempt, err)
		}
	}
}

// OpenSlots implements matchmaking.Directory.
func (d *Directory) OpenSlots(ctx context.Context, mode string) ([]mm.BackfillSlot, error) {
	hs, _, err := d.live(ctx)
	if err != nil {
		return nil, fmt.Errorf("redisstore: open slots: %w", err)
	}
	var out []mm.BackfillSlot
	for _, h := range hs {
		for i := range h.Host.Matches {
			if h.Host.Matches[i].Mode != mode {
				continue
			}
			if s := h.slot(&h.Host.Matches[i]); s.OpenSeats > 0 {
				out = append(out, s)
			}
		}
	}
	return out, nil
}

// ReserveBackfill implements matchmaking.Directory: the open seats are
// checked and reserved in one transaction on the host's key.
func (d *Directory) ReserveBackfill(ctx context.Context, slot mm.BackfillSlot, team, seats int) (mm.Reservation, error) {
	if err := ctx.Err(); err != nil {
		return mm.Reservation{}, err
	}
	var r mm.Reservation
	err := d.modify(ctx, slot.HostID, func(cur *hostState, now time.Time) (*hostState, error) {
		if cur == nil {
			return nil, fmt.Errorf("%w: %s", mm.ErrHostNotFound, slot.HostID)
		}
		i := slices.IndexFunc(cur.Host.Matches, func(m mm.RunningMatch) bool { return m.ID == slot.MatchID })
		if i < 0 {
			return nil, fmt.Errorf("%w: match %s no longer has open seats", mm.ErrNoCapacity, slot.MatchID)
		}
		s := cur.slot(&cur.Host.Matches[i])
		if s.OpenSeats < seats || (team >= 0 && team < len(s.TeamOpen) && s.TeamOpen[team] < seats) {
			return nil, fmt.Errorf("%w: match %s has %d open seats, %d asked", mm.ErrNoCapacity, slot.MatchID, s.OpenSeats, seats)
		}
		r = mm.Reservation{
			HostID: cur.Host.ID, HostURL: cur.Host.URL, MatchID: slot.MatchID, Region: s.Region,
			Backfill: true, Team: team, Seats: seats, ExpiresAt: now.Add(d.resvTTL),
		}
		cur.Resv = append(cur.Resv, r)
		return cur, nil
	})
	if err != nil {
		return mm.Reservation{}, fmt.Errorf("redisstore: reserve backfill: %w", err)
	}
	return r, nil
}

// sameReservation compares reservations, times by instant (a reservation
// that went through JSON has lost its monotonic reading).
func sameReservation(a, b mm.Reservation) bool {
	ea, eb := a.ExpiresAt, b.ExpiresAt
	a.ExpiresAt, b.ExpiresAt = time.Time{}, time.Time{}
	return a == b && ea.Equal(eb)
}

// Release implements matchmaking.Directory, in one transaction on the
// host's key.
func (d *Directory) Release(ctx context.Context, r mm.Reservation) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := d.modify(ctx, r.HostID, func(cur *hostState, _ time.Time) (*hostState, error) {
		if cur == nil {
			return nil, fmt.Errorf("%w: %s", mm.ErrHostNotFound, r.HostID)
		}
		i := slices.IndexFunc(cur.Resv, func(x mm.Reservation) bool { return sameReservation(x, r) })
		if i < 0 {
			return nil, nil
		}
		cur.Resv = slices.Delete(cur.Resv, i, i+1)
		if !r.Backfill {
			delete(cur.Regions, r.MatchID)
		}
		return cur, nil
	})
	if err != nil {
		return fmt.Errorf("redisstore: release: %w", err)
	}
	return nil
}
