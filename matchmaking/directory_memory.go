package matchmaking

import (
	"cmp"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"
)

// DirectoryOptions configures a MemoryDirectory. A nil *DirectoryOptions,
// and every zero field, takes the default documented on the field.
type DirectoryOptions struct {
	// Clock is the time source. Default time.Now.
	Clock func() time.Time
	// Rand makes match IDs. Default crypto/rand.Reader.
	Rand io.Reader
	// ReservationTTL is how long reserved seats count against a host
	// before its own reports are trusted to include them: make it at least
	// the time a host takes to learn of a match (instantly when embedded)
	// plus a heartbeat interval. Reservations are conservative: until they
	// lapse, the host may briefly look fuller than it is, never emptier.
	// Default 30s.
	ReservationTTL time.Duration
}

func (o *DirectoryOptions) withDefaults() DirectoryOptions {
	var c DirectoryOptions
	if o != nil {
		c = *o
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	if c.Rand == nil {
		c.Rand = rand.Reader
	}
	if c.ReservationTTL <= 0 {
		c.ReservationTTL = 30 * time.Second
	}
	return c
}

// MemoryDirectory is the in-process Directory.
type MemoryDirectory struct {
	opts  DirectoryOptions
	mu    sync.Mutex
	hosts map[string]*hostEntry
}

type hostEntry struct {
	host     Host
	lastSeen time.Time
	resv     []Reservation
	regions  map[string]string // match ID -> region it was allocated in
}

// NewMemoryDirectory returns an empty directory. opts may be nil.
func NewMemoryDirectory(opts *DirectoryOptions) *MemoryDirectory {
	return &MemoryDirectory{opts: opts.withDefaults(), hosts: make(map[string]*hostEntry)}
}

var _ Directory = (*MemoryDirectory)(nil)

// Heartbeat implements Directory.
func (d *MemoryDirectory) Heartbeat(ctx context.Context, h Host) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	switch {
	case h.ID == "" || h.URL == "":
		return fmt.Errorf("%w: a host needs an ID and a URL", ErrBadHost)
	case h.Capacity < 0 || h.Used < 0 || h.TTL < 0:
		return fmt.Errorf("%w %s: negative capacity, use or TTL", ErrBadHost, h.ID)
	}
	h.Modes = slices.Clone(h.Modes)
	h.Matches = slices.Clone(h.Matches)
	h.Running = slices.Clone(h.Running)
	for i := range h.Matches {
		h.Matches[i].TeamOpen = slices.Clone(h.Matches[i].TeamOpen)
	}
	now := d.opts.Clock()
	d.mu.Lock()
	defer d.mu.Unlock()
	e := d.hosts[h.ID]
	if e == nil {
		e = &hostEntry{regions: make(map[string]string)}
		d.hosts[h.ID] = e
	}
	e.host, e.lastSeen = h, now
	d.expire(now)
	// A new match the host reports running is in its Used from now on:
	// its reservation ends, or its seats would count twice until it
	// lapsed (and seats released early, such as unclaimed ones, would
	// stay taken as long).
	e.resv = slices.DeleteFunc(e.resv, func(r Reservation) bool { return !r.Backfill && slices.Contains(h.Running, r.MatchID) })
	// Forget allocation regions of matches that are neither running,
	// reported nor reserved any more.
	for id := range e.regions {
		if !slices.Contains(h.Running, id) && !slices.ContainsFunc(h.Matches, func(m RunningMatch) bool { return m.ID == id }) &&
			!slices.ContainsFunc(e.resv, func(r Reservation) bool { return r.MatchID == id }) {
			delete(e.regions, id)
		}
	}
	return nil
}

// Deregister implements Directory.
func (d *MemoryDirectory) Deregister(ctx context.Context, hostID string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.hosts[hostID]; !ok {
		return fmt.Errorf("%w: %s", ErrHostNotFound, hostID)
	}
	delete(d.hosts, hostID)
	return nil
}

// expire drops hosts past their TTL and lapsed reservations.
func (d *MemoryDirectory) expire(now time.Time) {
	for id, e := range d.hosts {
		if e.host.TTL > 0 && now.Sub(e.lastSeen) >= e.host.TTL {
			delete(d.hosts, id)
			continue
		}
		e.resv = slices.DeleteFunc(e.resv, func(r Reservation) bool { return !now.Before(r.ExpiresAt) })
	}
}

func (e *hostEntry) reserved() int {
	n := 0
	for _, r := range e.resv {
		if !r.Backfill {
			n += r.Seats
		}
	}
	return n
}

func (e *hostEntry) free() int { return e.host.Capacity - e.host.Used - e.reserved() }

func (e *hostEntry) serves(mode, region string) bool {
	return (e.host.Region == "" || region == "" || e.host.Region == region) &&
		(len(e.host.Modes) == 0 || slices.Contains(e.host.Modes, mode))
}

// sorted lists the entries by host ID.
func (d *MemoryDirectory) sorted() []*hostEntry {
	es := make([]*hostEntry, 0, len(d.hosts))
	for _, e := range d.hosts {
		es = append(es, e)
	}
	slices.SortFunc(es, func(a, b *hostEntry) int { return cmp.Compare(a.host.ID, b.host.ID) })
	return es
}

// Hosts implements Directory.
func (d *MemoryDirectory) Hosts(ctx context.Context) ([]HostInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.expire(d.opts.Clock())
	var out []HostInfo
	for _, e := range d.sorted() {
		out = append(out, HostInfo{Host: e.host, Reserved: e.reserved(), Free: e.free(), LastSeen: e.lastSeen})
	}
	return out, nil
}

// Allocate implements Directory: among the hosts that take matches and
// serve the mode and region with enough free seats, the fullest
// (FillsBetter), then the smallest ID.
func (d *MemoryDirectory) Allocate(ctx context.Context, req AllocationRequest) (Reservation, error) {
	if err := ctx.Err(); err != nil {
		return Reservation{}, err
	}
	if req.Seats <= 0 {
		return Reservation{}, fmt.Errorf("matchmaking: allocate %d seats", req.Seats)
	}
	id, err := newID(d.opts.Rand, "m_")
	if err != nil {
		return Reservation{}, err
	}
	now := d.opts.Clock()
	d.mu.Lock()
	defer d.mu.Unlock()
	d.expire(now)
	var best *hostEntry
	for _, e := range d.sorted() {
		f := e.free()
		if !e.serves(req.Mode, req.Region) || f < req.Seats || !HostTakesMatches(e.host.State) {
			continue
		}
		if best == nil || FillsBetter(f, e.host.Capacity, best.free(), best.host.Capacity) {
			best = e
		}
	}
	if best == nil {
		return Reservation{}, fmt.Errorf("%w: %d seats for mode %s in region %q", ErrNoCapacity, req.Seats, req.Mode, req.Region)
	}
	region := req.Region
	if region == "" {
		region = best.host.Region
	}
	r := Reservation{
		HostID: best.host.ID, HostURL: best.host.URL, MatchID: id, Region: region,
		Team: -1, Seats: req.Seats, ExpiresAt: now.Add(d.opts.ReservationTTL),
	}
	best.resv = append(best.resv, r)
	best.regions[id] = region
	return r, nil
}

// OpenSlots implements Directory.
func (d *MemoryDirectory) OpenSlots(ctx context.Context, mode string) ([]BackfillSlot, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.expire(d.opts.Clock())
	var out []BackfillSlot
	for _, e := range d.sorted() {
		for i := range e.host.Matches {
			if e.host.Matches[i].Mode != mode {
				continue
			}
			if s := e.slot(&e.host.Matches[i]); s.OpenSeats > 0 {
				out = append(out, s)
			}
		}
	}
	return out, nil
}

// slot is a running match's open seats less backfill reservations.
func (e *hostEntry) slot(m *RunningMatch) BackfillSlot {
	region := m.Region
	if region == "" {
		region = e.regions[m.ID]
	}
	if region == "" {
		region = e.host.Region
	}
	s := BackfillSlot{
		MatchID: m.ID, HostID: e.host.ID, Region: region, OpenSeats: m.OpenSeats,
		TeamOpen: slices.Clone(m.TeamOpen), MeanSkill: m.MeanSkill, OpenSince: m.OpenSince,
	}
	for _, r := range e.resv {
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

// ReserveBackfill implements Directory.
func (d *MemoryDirectory) ReserveBackfill(ctx context.Context, slot BackfillSlot, team, seats int) (Reservation, error) {
	if err := ctx.Err(); err != nil {
		return Reservation{}, err
	}
	now := d.opts.Clock()
	d.mu.Lock()
	defer d.mu.Unlock()
	d.expire(now)
	e := d.hosts[slot.HostID]
	if e == nil {
		return Reservation{}, fmt.Errorf("%w: %s", ErrHostNotFound, slot.HostID)
	}
	i := slices.IndexFunc(e.host.Matches, func(m RunningMatch) bool { return m.ID == slot.MatchID })
	if i < 0 {
		return Reservation{}, fmt.Errorf("%w: match %s no longer has open seats", ErrNoCapacity, slot.MatchID)
	}
	cur := e.slot(&e.host.Matches[i])
	if cur.OpenSeats < seats || (team >= 0 && team < len(cur.TeamOpen) && cur.TeamOpen[team] < seats) {
		return Reservation{}, fmt.Errorf("%w: match %s has %d open seats, %d asked", ErrNoCapacity, slot.MatchID, cur.OpenSeats, seats)
	}
	r := Reservation{
		HostID: e.host.ID, HostURL: e.host.URL, MatchID: slot.MatchID, Region: cur.Region,
		Backfill: true, Team: team, Seats: seats, ExpiresAt: now.Add(d.opts.ReservationTTL),
	}
	e.resv = append(e.resv, r)
	return r, nil
}

// Release implements Directory.
func (d *MemoryDirectory) Release(ctx context.Context, r Reservation) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	e := d.hosts[r.HostID]
	if e == nil {
		return fmt.Errorf("%w: %s", ErrHostNotFound, r.HostID)
	}
	if i := slices.Index(e.resv, r); i >= 0 {
		e.resv = slices.Delete(e.resv, i, i+1)
		if !r.Backfill {
			delete(e.regions, r.MatchID)
		}
	}
	return nil
}
