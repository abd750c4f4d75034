package main

import (
	"errors"
	"flag"
	"time"

	"github.com/skirmishgg/skirmish/server/matchapi"
	"github.com/skirmishgg/skirmish/server/registry"
)

// guardFlags are the limits a server on the open internet needs (issue
// 11): each command registers those that apply to it; nil: not on it.
type guardFlags struct {
	claimWindow     *time.Duration
	maxTicketsPerIP *int
	ticketRetention *int
	maxSeatsPerIP   *int
	adminTokenFile  *string
}

// Which commands take which guard flags.
type guardFor struct{ seats, queue, direct bool }

var (
	guardServe      = guardFor{seats: true, queue: true, direct: true}
	guardHost       = guardFor{seats: true}
	guardMatchmaker = guardFor{queue: true}
)

func addGuardFlags(fs *flag.FlagSet, g guardFor) guardFlags {
	var f guardFlags
	if g.seats || g.queue {
		f.claimWindow = fs.Duration("claim-window", registry.DefaultClaimWindow, "how long a seat reserved for a matchmaker's assignment waits for its player; unclaimed, it is released and offered again (the matchmaker counts an assigned ticket against its address for as long)")
	}
	if g.queue {
		f.maxTicketsPerIP = fs.Int("max-tickets-per-ip", 8, "live tickets (queued, or assigned within the claim window) one client address may hold on the queue socket (0: no cap; raise it behind a proxy that hides client addresses)")
		f.ticketRetention = fs.Int("ticket-retention", 10000, "finished tickets kept for status lookups, oldest forgotten first (and none older than 10 minutes)")
	}
	if g.direct {
		f.maxSeatsPerIP = fs.Int("max-seats-per-ip", 16, "with -matchmaking=false: seats (joining, playing, or held after a drop) one client address may hold (0: no cap)")
	}
	f.adminTokenFile = fs.String("admin-token-file", "", "file holding a bearer token operator endpoints require (Authorization: Bearer <token>); /healthz and /readyz stay open")
	return f
}

func (f guardFlags) check() error {
	switch {
	case f.claimWindow != nil && *f.claimWindow < time.Second:
		return errors.New("-claim-window must be at least 1s")
	case f.maxTicketsPerIP != nil && *f.maxTicketsPerIP < 0:
		return errors.New("-max-tickets-per-ip must be 0 (no cap) or positive")
	case f.ticketRetention != nil && *f.ticketRetention <= 0:
		return errors.New("-ticket-retention must be positive")
	case f.maxSeatsPerIP != nil && *f.maxSeatsPerIP < 0:
		return errors.New("-max-seats-per-ip must be 0 (no cap) or positive")
	}
	return nil
}

// limits are the host's seat limits; capacity caps direct placement.
func (f guardFlags) limits(capacity int) registry.Limits {
	l := registry.Limits{Capacity: capacity}
	if f.claimWindow != nil {
		l.ClaimWindow = *f.claimWindow
	}
	if f.maxSeatsPerIP != nil {
		l.MaxSeatsPerAddr = *f.maxSeatsPerIP
	}
	return l
}

// queue is the queue socket's limits.
func (f guardFlags) queue() matchapi.Options {
	var q matchapi.Options
	if f.claimWindow != nil {
		q.ClaimWindow = *f.claimWindow
	}
	if f.maxTicketsPerIP != nil {
		q.MaxTicketsPerIP = *f.maxTicketsPerIP
	}
	return q
}

func (f guardFlags) retention() int {
	if f.ticketRetention == nil {
		return 0
	}
	return *f.ticketRetention
}
