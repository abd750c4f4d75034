package netlimit

import (
	"sync"
	"time"
)

// ReadLimits bound the control frames (ping, pong) one WebSocket peer may
// make the server read, which the WebSocket library answers itself below
// any message limit. Zero fields take the defaults.
type ReadLimits struct {
	// FramesPerSecond and FrameBurst: a token bucket of frames. Defaults
	// 10 and 50: a client pings once a second or less.
	FramesPerSecond float64
	FrameBurst      int
	// BytesPerSecond and ByteBurst: a token bucket of payload bytes (a
	// control frame carries at most 125). Defaults 2 KiB and 8 KiB.
	BytesPerSecond float64
	ByteBurst      int
}

func (l ReadLimits) withDefaults() ReadLimits {
	if l.FramesPerSecond <= 0 {
		l.FramesPerSecond = 10
	}
	if l.FrameBurst <= 0 {
		l.FrameBurst = 50
	}
	if l.BytesPerSecond <= 0 {
		l.BytesPerSecond = 2 << 10
	}
	if l.ByteBurst <= 0 {
		l.ByteBurst = 8 << 10
	}
	return l
}

// ReadBudget is one connection's budget of control frames. Safe for
// concurrent use: the library may read a frame on whichever goroutine
// reads (the session's reader, or a close handshake).
type ReadBudget struct {
	mu     sync.Mutex
	frames bucket
	bytes  bucket
	spent  bool // the budget was exceeded once: it stays exceeded
}

// NewReadBudget starts a full budget at now.
func NewReadBudget(l ReadLimits, now time.Time) *ReadBudget {
	l = l.withDefaults()
	return &ReadBudget{
		frames: bucket{rate: l.FramesPerSecond, burst: float64(l.FrameBurst), tokens: float64(l.FrameBurst), last: now},
		bytes:  bucket{rate: l.BytesPerSecond, burst: float64(l.ByteBurst), tokens: float64(l.ByteBurst), last: now},
	}
}

// Spend takes one frame of n payload bytes at now, reporting false once
// the connection has gone over its budget (and ever after).
func (b *ReadBudget) Spend(now time.Time, n int) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.spent {
		return false
	}
	b.frames.refill(now)
	b.bytes.refill(now)
	if b.frames.tokens < 1 || b.bytes.tokens < float64(n) {
		b.spent = true
		return false
	}
	b.frames.tokens--
	b.bytes.tokens -= float64(n)
	return true
}

// bucket is a token bucket: at most burst tokens, refilled at rate a
// second.
type bucket struct {
	rate, burst, tokens float64
	last                time.Time
}

func (b *bucket) refill(now time.Time) {
	if d := now.Sub(b.last); d > 0 {
		b.tokens = min(b.burst, b.tokens+d.Seconds()*b.rate)
		b.last = now
	}
}
