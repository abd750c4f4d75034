package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
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

// Directory is a matchmaking.Directory in Redis. It is safe for
// concurrent use by any number of processes sharing the Redis and the
// prefix. Each host has five keys (see the package documentation): its
// report and LastSeen, its new-match reservations with their seat total
// and a sorted set of their expiries, its backfill reservations, and the
// regions its matches were allocated in. An allocation therefore reads
// and writes a few small values whatever the number of reservations:
// lapsed reservations are found by expiry and removed on the next write.
//
// Every read-modify-write of a host (Heartbeat, Allocate,
// ReserveBackfill, Release) is an optimistic transaction: WATCH the
// host's keys, read them, decide in Go, then MULTI/writes/EXEC. Redis
// aborts the EXEC when any other client wrote one of those keys after the
// WATCH, and the transaction starts again from a fresh read. So a seat
// check and the reservation it allows are one atomic step per host: two
// matchmakers racing for a host's last seats cannot both reserve them
// (the second EXEC fails, and its retry sees the first's reservation in
// the seat total), and a heartbeat racing an allocation never loses it
// (a heartbeat rewrites only the report; the seat total is the
// reservations'). The choice among hosts reads a snapshot and may be
// stale; only the chosen host's capacity must be exact, and it is
// re-checked inside the transaction.
type Directory struct {
	c           redis.UniversalClient
	k           keys
	clock       func() time.Time
	rand        io.Reader
	resvTTL     time.Duration
	maxAttempts int
	forget      *redis.Script
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
	return &Directory{
		c: c, k: newKeys(o.Prefix), clock: o.Clock, rand: o.Rand, resvTTL: o.ReservationTTL,
		maxAttempts: o.MaxAttempts, forget: redis.NewScript(forgetLua),
	}
}

func (d *Directory) hostsKey() string { return d.k.of("hosts") }

// hostKeys are one host's keys.
type hostKeys struct {
	report   string // string: report JSON
	alloc    string // hash: allocation field -> reservation JSON, "sum" -> their seats
	allocExp string // zset: allocation field, score its expiry in ms
	backfill string // hash: backfill field -> reservation JSON
	regions  string // hash: match ID -> the region it was allocated in
}

func (d *Directory) keysOf(hostID string) hostKeys {
	return hostKeys{
		report: d.k.of("h", hostID), alloc: d.k.of("ha", hostID), allocExp: d.k.of("hz", hostID),
		backfill: d.k.of("hb", hostID), regions: d.k.of("hg", hostID),
	}
}

func (k hostKeys) all() []string {
	return []string{k.report, k.alloc, k.allocExp, k.backfill, k.regions}
}

// report is a host's report key.
type report struct {
	Host     mm.Host   `json:"host"`
	LastSeen time.Time `json:"last_seen"`
}

// sumField is the alloc hash's seat total; allocation fields start "a|".
const sumField = "sum"

// allocField names a new-match reservation: "a|<seats>|<expiry ns>|<match ID>".
func allocField(r mm.Reservation) string {
	return fmt.Sprintf("a|%d|%d|%s", r.Seats, r.ExpiresAt.UnixNano(), r.MatchID)
}

func parseAllocField(f string) (seats int, expires int64, matchID string, ok bool) {
	p := strings.SplitN(f, "|", 4)
	if len(p) != 4 || p[0] != "a" {
		return 0, 0, "", false
	}
	seats, err1 := strconv.Atoi(p[1])
	expires, err2 := strconv.ParseInt(p[2], 10, 64)
	return seats, expires, p[3], err1 == nil && err2 == nil
}

// need says what a read fetches beyond the report and the seat total.
type need struct {
	backfills bool   // the backfill reservations
	regions   bool   // the allocation regions
	allocs    bool   // the live allocation fields
	alloc     string // one allocation's reservation JSON
}

// hostView is a live host as read at now.
type hostView struct {
	rep       report
	reserved  int      // seats of live new-match reservations
	lapsed    []string // allocation fields past their expiry
	lapsedSum int
	backfills map[string]mm.Reservation // live, by field
	deadBF    []string                  // lapsed backfill fields
	regions   map[string]string
	allocs    []string // live allocation fields
	allocJSON string   // need.alloc's value
}

func (v *hostView) free() int { return v.rep.Host.Capacity - v.rep.Host.Used - v.reserved }

func (v *hostView) serves(mode, region string) bool {
	h := &v.rep.Host
	return (h.Region == "" || region == "" || h.Region == region) &&
		(len(h.Modes) == 0 || slices.Contains(h.Modes, mode))
}

// slot is a running match's open seats less backfill reservations.
func (v *hostView) slot(m *mm.RunningMatch) mm.BackfillSlot {
	region := m.Region
	if region == "" {
		region = v.regions[m.ID]
	}
	if region == "" {
		region = v.rep.Host.Region
	}
	s := mm.BackfillSlot{
		MatchID: m.ID, HostID: v.rep.Host.ID, Region: region, OpenSeats: m.OpenSeats,
		TeamOpen: slices.Clone(m.TeamOpen), MeanSkill: m.MeanSkill, OpenSince: m.OpenSince,
	}
	for _, r := range v.backfills {
		if r.MatchID != m.ID {
			continue
		}
		s.OpenSeats -= r.Seats
		if r.Team >= 0 && r.Team < len(s.TeamOpen) {
			s.TeamOpen[r.Team] -= r.Seats
		}
	}
	return s
}

// queueRead queues the reads of a host on p and returns the function that
// assembles them after Exec: nil for a missing or dead host.
func queueRead(ctx context.Context, p redis.Pipeliner, k hostKeys, now time.Time, n need) func() (*hostView, error) {
	rep := p.Get(ctx, k.report)
	sum := p.HGet(ctx, k.alloc, sumField)
	lapsed := p.ZRangeByScore(ctx, k.allocExp, &redis.ZRangeBy{Min: "-inf", Max: strconv.FormatInt(now.UnixMilli(), 10)})
	var bf, rg *redis.MapStringStringCmd
	var allocs *redis.StringSliceCmd
	var one *redis.StringCmd
	if n.backfills {
		bf = p.HGetAll(ctx, k.backfill)
	}
	if n.regions {
		rg = p.HGetAll(ctx, k.regions)
	}
	if n.allocs {
		allocs = p.HKeys(ctx, k.alloc)
	}
	if n.alloc != "" {
		one = p.HGet(ctx, k.alloc, n.alloc)
	}
	return func() (*hostView, error) {
		raw, err := rep.Result()
		if errors.Is(err, redis.Nil) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		v := &hostView{}
		if err := json.Unmarshal([]byte(raw), &v.rep); err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		if h := &v.rep.Host; h.TTL > 0 && now.Sub(v.rep.LastSeen) >= h.TTL {
			return nil, nil // dead: MemoryDirectory's rule
		}
		if s, err := sum.Result(); err == nil {
			v.reserved, _ = strconv.Atoi(s)
		}
		for _, f := range lapsed.Val() {
			if seats, exp, _, ok := parseAllocField(f); ok && exp <= now.UnixNano() {
				v.lapsed = append(v.lapsed, f)
				v.lapsedSum += seats
			}
		}
		v.reserved -= v.lapsedSum
		if bf != nil {
			v.backfills = make(map[string]mm.Reservation)
			for f, j := range bf.Val() {
				var r mm.Reservation
				if err := json.Unmarshal([]byte(j), &r); err != nil {
					return nil, fmt.Errorf("backfill reservation: %w", err)
				}
				if now.Before(r.ExpiresAt) {
					v.backfills[f] = r
				} else {
					v.deadBF = append(v.deadBF, f)
				}
			}
		}
		v.regions = make(map[string]string)
		if rg != nil {
			v.regions = rg.Val()
		}
		if allocs != nil {
			for _, f := range allocs.Val() {
				if _, exp, _, ok := parseAllocField(f); ok && exp > now.UnixNano() {
					v.allocs = append(v.allocs, f)
				}
			}
		}
		if one != nil {
			v.allocJSON = one.Val()
		}
		return v, nil
	}
}

// exec runs a pipeline; a missing key (redis.Nil) is not an error here.
func exec(ctx context.Context, p redis.Pipeliner) error {
	if _, err := p.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return err
	}
	return nil
}

// change is what a transaction writes.
type change struct {
	ttl   time.Duration // the host's TTL after the change: its keys' expiry
	reset bool          // drop every reservation and region first
	write func(p redis.Pipeliner)
}

// errStale: the host changed since Allocate's snapshot; pick again.
var errStale = errors.New("redisstore: host changed")

// modify runs fn on the host as it is (nil when missing or dead) in an
// optimistic transaction and applies the change fn returns (nil: none),
// with the removal of lapsed reservations. See Directory for why it is
// race-free.
func (d *Directory) modify(ctx context.Context, hostID string, n need, fn func(cur *hostView, now time.Time) (*change, error)) error {
	k := d.keysOf(hostID)
	for attempt := 1; ; attempt++ {
		err := d.c.Watch(ctx, func(tx *redis.Tx) error {
			now := d.clock()
			p := tx.Pipeline()
			read := queueRead(ctx, p, k, now, n)
			if err := exec(ctx, p); err != nil {
				return err
			}
			cur, err := read()
			if err != nil {
				return fmt.Errorf("redisstore: host %s: %w", hostID, err)
			}
			ch, err := fn(cur, now)
			if err != nil || ch == nil {
				return err
			}
			_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				switch {
				case ch.reset || cur == nil:
					p.Del(ctx, k.alloc, k.allocExp, k.backfill, k.regions)
				default:
					if len(cur.lapsed) > 0 {
						p.HDel(ctx, k.alloc, cur.lapsed...)
						p.ZRem(ctx, k.allocExp, toAny(cur.lapsed)...)
						p.HIncrBy(ctx, k.alloc, sumField, -int64(cur.lapsedSum))
					}
					if len(cur.deadBF) > 0 {
						p.HDel(ctx, k.backfill, cur.deadBF...)
					}
				}
				ch.write(p)
				for _, key := range k.all() {
					if ttl := keyTTL(ch.ttl); ttl > 0 {
						p.PExpire(ctx, key, ttl)
					} else {
						p.Persist(ctx, key)
					}
				}
				p.SAdd(ctx, d.hostsKey(), hostID)
				return nil
			})
			return err
		}, k.all()...)
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

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// keyTTL is the real expiry of a host's keys: a safety net well past the
// logical TTL, so that the injected clock decides liveness.
func keyTTL(ttl time.Duration) time.Duration {
	if ttl <= 0 {
		return 0
	}
	return 2*ttl + 30*time.Second
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
	k := d.keysOf(h.ID)
	err := d.modify(ctx, h.ID, need{regions: true, allocs: true, backfills: true}, func(cur *hostView, now time.Time) (*change, error) {
		rj, err := json.Marshal(report{Host: h, LastSeen: now})
		if err != nil {
			return nil, err
		}
		// A new match the host reports running is in its Used from now
		// on: its reservation ends (MemoryDirectory's rule).
		var accounted []string
		accountedSum := 0
		if cur != nil {
			for _, f := range cur.allocs {
				if seats, _, mid, ok := parseAllocField(f); ok && slices.Contains(h.Running, mid) {
					accounted = append(accounted, f)
					accountedSum += seats
				}
			}
		}
		// Forget allocation regions of matches that are neither running,
		// reported nor reserved any more.
		var forget []string
		if cur != nil {
			for id := range cur.regions {
				if !slices.Contains(h.Running, id) && !slices.ContainsFunc(h.Matches, func(m mm.RunningMatch) bool { return m.ID == id }) &&
					!slices.ContainsFunc(cur.allocs, func(f string) bool { _, _, mid, _ := parseAllocField(f); return mid == id }) &&
					!slices.ContainsFunc(slices.Collect(maps.Values(cur.backfills)), func(r mm.Reservation) bool { return r.MatchID == id }) {
					forget = append(forget, id)
				}
			}
		}
		return &change{ttl: h.TTL, write: func(p redis.Pipeliner) {
			p.Set(ctx, k.report, rj, 0)
			if len(accounted) > 0 {
				p.HDel(ctx, k.alloc, accounted...)
				p.ZRem(ctx, k.allocExp, toAny(accounted)...)
				p.HIncrBy(ctx, k.alloc, sumField, -int64(accountedSum))
			}
			if len(forget) > 0 {
				p.HDel(ctx, k.regions, forget...)
			}
		}}, nil
	})
	if err != nil {
		return fmt.Errorf("redisstore: heartbeat %s: %w", h.ID, err)
	}
	return nil
}

// Deregister implements matchmaking.Directory.
func (d *Directory) Deregister(ctx context.Context, hostID string) error {
	k := d.keysOf(hostID)
	var get *redis.StringCmd
	_, err := d.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		get = p.Get(ctx, k.report)
		p.Del(ctx, k.all()...)
		p.SRem(ctx, d.hostsKey(), hostID)
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("redisstore: deregister %s: %w", hostID, ctxErr(ctx, err))
	}
	raw, err := get.Result()
	if err != nil {
		return fmt.Errorf("%w: %s", mm.ErrHostNotFound, hostID)
	}
	var r report
	now := d.clock()
	if json.Unmarshal([]byte(raw), &r) != nil || (r.Host.TTL > 0 && now.Sub(r.LastSeen) >= r.Host.TTL) {
		return fmt.Errorf("%w: %s", mm.ErrHostNotFound, hostID)
	}
	return nil
}

// live reads every live host, by ID, in one pipeline. Hosts whose keys
// Redis expired leave the host set here.
func (d *Directory) live(ctx context.Context, n need) ([]*hostView, error) {
	ids, err := d.c.SMembers(ctx, d.hostsKey()).Result()
	if err != nil {
		return nil, ctxErr(ctx, err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	slices.Sort(ids)
	now := d.clock()
	p := d.c.Pipeline()
	reads := make([]func() (*hostView, error), len(ids))
	exists := make([]*redis.IntCmd, len(ids))
	for i, id := range ids {
		k := d.keysOf(id)
		exists[i] = p.Exists(ctx, k.report)
		reads[i] = queueRead(ctx, p, k, now, n)
	}
	if err := exec(ctx, p); err != nil {
		return nil, ctxErr(ctx, err)
	}
	var out []*hostView
	var gone []any
	for i, read := range reads {
		if exists[i].Val() == 0 {
			gone = append(gone, ids[i])
			continue
		}
		v, err := read()
		if err != nil {
			return nil, fmt.Errorf("host %s: %w", ids[i], err)
		}
		if v != nil {
			out = append(out, v)
		}
	}
	if len(gone) > 0 {
		// Best effort: the next read tries again.
		_ = d.forget.Run(ctx, d.c, []string{d.hostsKey()}, append([]any{string(d.k)}, gone...)...).Err()
	}
	return out, nil
}

// forgetLua drops from the host set the hosts whose report key is
// missing (Redis expired it). Race-free: it checks and removes in one
// step, so a host that registers again meanwhile (SET and SADD in one
// MULTI) is either seen with its report or added after the removal.
//
// KEYS: hosts. ARGV: key prefix, host IDs...
const forgetLua = `
for i = 2, #ARGV do
  if redis.call('EXISTS', ARGV[1] .. 'h:' .. ARGV[i]) == 0 then redis.call('SREM', KEYS[1], ARGV[i]) end
end
return 0
`

// Hosts implements matchmaking.Directory.
func (d *Directory) Hosts(ctx context.Context) ([]mm.HostInfo, error) {
	vs, err := d.live(ctx, need{})
	if err != nil {
		return nil, fmt.Errorf("redisstore: hosts: %w", err)
	}
	var out []mm.HostInfo
	for _, v := range vs {
		out = append(out, mm.HostInfo{Host: v.rep.Host, Reserved: v.reserved, Free: v.free(), LastSeen: v.rep.LastSeen})
	}
	return out, nil
}

// pick is MemoryDirectory's choice: among the hosts that take matches
// and serve the mode and region with enough free seats, the fullest
// (matchmaking.FillsBetter), then the smallest ID (vs is sorted by ID).
func pick(vs []*hostView, req mm.AllocationRequest) *hostView {
	var best *hostView
	for _, v := range vs {
		f := v.free()
		if !v.serves(req.Mode, req.Region) || f < req.Seats || !mm.HostTakesMatches(v.rep.Host.State) {
			continue
		}
		if best == nil || mm.FillsBetter(f, v.rep.Host.Capacity, best.free(), best.rep.Host.Capacity) {
			best = v
		}
	}
	return best
}

// Allocate implements matchmaking.Directory. It picks a host from a
// snapshot, then reserves the seats in a transaction on that host that
// re-checks its capacity; when the host changed meanwhile it picks again
// from a fresh snapshot.
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
		vs, err := d.live(ctx, need{})
		if err != nil {
			return mm.Reservation{}, fmt.Errorf("redisstore: allocate: %w", err)
		}
		best := pick(vs, req)
		if best == nil {
			return mm.Reservation{}, fmt.Errorf("%w: %d seats for mode %s in region %q", mm.ErrNoCapacity, req.Seats, req.Mode, req.Region)
		}
		var r mm.Reservation
		k := d.keysOf(best.rep.Host.ID)
		err = d.modify(ctx, best.rep.Host.ID, need{}, func(cur *hostView, now time.Time) (*change, error) {
			if cur == nil || !cur.serves(req.Mode, req.Region) || cur.free() < req.Seats {
				return nil, errStale
			}
			region := req.Region
			if region == "" {
				region = cur.rep.Host.Region
			}
			r = mm.Reservation{
				HostID: cur.rep.Host.ID, HostURL: cur.rep.Host.URL, MatchID: id, Region: region,
				Team: -1, Seats: req.Seats, ExpiresAt: now.Add(d.resvTTL),
			}
			rj, err := json.Marshal(r)
			if err != nil {
				return nil, err
			}
			f := allocField(r)
			return &change{ttl: cur.rep.Host.TTL, write: func(p redis.Pipeliner) {
				p.HSet(ctx, k.alloc, f, rj)
				p.HIncrBy(ctx, k.alloc, sumField, int64(r.Seats))
				p.ZAdd(ctx, k.allocExp, redis.Z{Score: float64(r.ExpiresAt.UnixMilli()), Member: f})
				p.HSet(ctx, k.regions, id, region)
			}}, nil
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
	vs, err := d.live(ctx, need{backfills: true, regions: true})
	if err != nil {
		return nil, fmt.Errorf("redisstore: open slots: %w", err)
	}
	var out []mm.BackfillSlot
	for _, v := range vs {
		for i := range v.rep.Host.Matches {
			if v.rep.Host.Matches[i].Mode != mode {
				continue
			}
			if s := v.slot(&v.rep.Host.Matches[i]); s.OpenSeats > 0 {
				out = append(out, s)
			}
		}
	}
	return out, nil
}

// ReserveBackfill implements matchmaking.Directory: the open seats are
// checked and reserved in one transaction on the host.
func (d *Directory) ReserveBackfill(ctx context.Context, slot mm.BackfillSlot, team, seats int) (mm.Reservation, error) {
	if err := ctx.Err(); err != nil {
		return mm.Reservation{}, err
	}
	nonce, err := newMatchID(d.rand)
	if err != nil {
		return mm.Reservation{}, err
	}
	var r mm.Reservation
	k := d.keysOf(slot.HostID)
	err = d.modify(ctx, slot.HostID, need{backfills: true, regions: true}, func(cur *hostView, now time.Time) (*change, error) {
		if cur == nil {
			return nil, fmt.Errorf("%w: %s", mm.ErrHostNotFound, slot.HostID)
		}
		i := slices.IndexFunc(cur.rep.Host.Matches, func(m mm.RunningMatch) bool { return m.ID == slot.MatchID })
		if i < 0 {
			return nil, fmt.Errorf("%w: match %s no longer has open seats", mm.ErrNoCapacity, slot.MatchID)
		}
		s := cur.slot(&cur.rep.Host.Matches[i])
		if s.OpenSeats < seats || (team >= 0 && team < len(s.TeamOpen) && s.TeamOpen[team] < seats) {
			return nil, fmt.Errorf("%w: match %s has %d open seats, %d asked", mm.ErrNoCapacity, slot.MatchID, s.OpenSeats, seats)
		}
		r = mm.Reservation{
			HostID: cur.rep.Host.ID, HostURL: cur.rep.Host.URL, MatchID: slot.MatchID, Region: s.Region,
			Backfill: true, Team: team, Seats: seats, ExpiresAt: now.Add(d.resvTTL),
		}
		rj, err := json.Marshal(r)
		if err != nil {
			return nil, err
		}
		return &change{ttl: cur.rep.Host.TTL, write: func(p redis.Pipeliner) {
			p.HSet(ctx, k.backfill, slot.MatchID+"|"+nonce, rj)
		}}, nil
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
// host. Releasing a reservation that lapsed or was released does nothing.
func (d *Directory) Release(ctx context.Context, r mm.Reservation) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	k := d.keysOf(r.HostID)
	n := need{backfills: r.Backfill}
	f := allocField(r)
	if !r.Backfill {
		n.alloc = f
	}
	err := d.modify(ctx, r.HostID, n, func(cur *hostView, _ time.Time) (*change, error) {
		if cur == nil {
			return nil, fmt.Errorf("%w: %s", mm.ErrHostNotFound, r.HostID)
		}
		if r.Backfill {
			for bf, x := range cur.backfills {
				if sameReservation(x, r) {
					return &change{ttl: cur.rep.Host.TTL, write: func(p redis.Pipeliner) { p.HDel(ctx, k.backfill, bf) }}, nil
				}
			}
			return nil, nil
		}
		var x mm.Reservation
		if cur.allocJSON == "" || slices.Contains(cur.lapsed, f) || json.Unmarshal([]byte(cur.allocJSON), &x) != nil || !sameReservation(x, r) {
			return nil, nil
		}
		return &change{ttl: cur.rep.Host.TTL, write: func(p redis.Pipeliner) {
			p.HDel(ctx, k.alloc, f)
			p.ZRem(ctx, k.allocExp, f)
			p.HIncrBy(ctx, k.alloc, sumField, -int64(r.Seats))
			p.HDel(ctx, k.regions, r.MatchID)
		}}, nil
	})
	if err != nil {
		return fmt.Errorf("redisstore: release: %w", err)
	}
	return nil
}
