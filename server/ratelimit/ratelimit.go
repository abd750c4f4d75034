// Package ratelimit is the one home of the message rate limit every
// socket applies to its client (the game socket /ws and the queue socket
// /v1/matchmaking/ws): a token bucket on an injected time.
package ratelimit

import "time"

// Bucket limits how many messages a client may send: it holds at most
// burst tokens, refilled at rate per second. One reader uses it, so it
// needs no lock.
type Bucket struct {
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

// New returns a full bucket at now.
func New(rate float64, burst int, now time.Time) Bucket {
	return Bucket{rate: rate, burst: float64(burst), tokens: float64(burst), last: now}
}

// Allow takes one token, reporting false when none is left.
func (b *Bucket) Allow(now time.Time) bool {
	if d := now.Sub(b.last); d > 0 {
		b.tokens += d.Seconds() * b.rate
		if b.tokens > b.burst {
			b.tokens = b.burst
		}
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
