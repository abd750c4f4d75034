package matchapi

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// Queue socket defaults: a client queues, cancels and requeues a few times
// a minute; 20 messages a second with a burst of 40 is far above that.
const (
	defaultQueueRate      = 20
	defaultQueueBurst     = 40
	defaultClaimHoldAfter = 15 * time.Second
)

// ipTickets counts the live tickets of each client address, so one address
// cannot fill the queue (and, through it, every seat) with anonymous
// tickets. A ticket is live from Enqueue until it is cancelled, times out
// or fails, or, once assigned, until its seats' claim window has passed:
// an assignment whose tokens are never used holds seats until then.
type ipTickets struct {
	max  int           // 0: no cap
	hold time.Duration // after an assignment

	mu   sync.Mutex
	live map[string]int
}

func newIPTickets(max int, hold time.Duration) *ipTickets {
	return &ipTickets{max: max, hold: hold, live: map[string]int{}}
}

// take counts one more live ticket for ip, reporting false (and counting
// nothing) when ip is at the cap.
func (c *ipTickets) take(ip string) bool {
	if c.max <= 0 {
		return true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.live[ip] >= c.max {
		return false
	}
	c.live[ip]++
	return true
}

// give ends one live ticket of ip, after the claim window when it was
// assigned.
func (c *ipTickets) give(ip string, assigned bool) {
	if c.max <= 0 {
		return
	}
	if assigned && c.hold > 0 {
		time.AfterFunc(c.hold, func() { c.give(ip, false) })
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.live[ip]--; c.live[ip] <= 0 {
		delete(c.live, ip) // the map holds only addresses with live tickets
	}
}

// count returns ip's live tickets.
func (c *ipTickets) count(ip string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.live[ip]
}

// clientIP is the address a request came from: the peer of the TCP
// connection. Behind a proxy every player shares the proxy's address;
// raise -max-tickets-per-ip there, or set it to 0.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
