package clientnet

import (
	"math"
	"sync"
	"time"
)

// Defaults of ClockOptions.
const (
	DefaultClockResync = 500 * time.Millisecond
)

// ClockOptions tunes a Clock. A nil *ClockOptions, and every zero field,
// takes the default documented on the field.
type ClockOptions struct {
	// Resync is how far off the estimate a snapshot may arrive and still be
	// smoothed in. Three arrivals in a row further off than this (the
	// server dropped time after a stall, the route changed) re-anchor the
	// clock on the newest one. Default 500ms.
	Resync time.Duration
}

// Clock estimates how the server's ticks map to local time, from snapshot
// arrivals and ping round trips. It keeps:
//
//   - the arrival offset: when a snapshot of a given tick arrives here on
//     a jitter-free link, a smoothed mean of the arrivals (ArrivalTick);
//   - the arrival jitter: a smoothed mean of how far arrivals stray from
//     that schedule, quick to grow and slow to shrink (Jitter);
//   - the snapshot interval actually seen (Interval);
//   - the round trip, smoothed as TCP does (RTT).
//
// Every observation comes with its local time, so a Clock never reads the
// wall clock and tests drive it with made-up times. It is safe for
// concurrent use.
type Clock struct {
	mu     sync.Mutex
	rate   float64 // ticks per second
	resync float64 // seconds

	epoch   time.Time // local times are kept as seconds since then
	started bool

	// Snapshot arrivals, in seconds.
	arrivals uint64
	off      float64 // server time of a tick minus local time of its arrival
	jitter   float64 // smoothed |arrival − expected arrival|
	interval float64 // smoothed time between snapshot ticks
	lastTick uint32
	outliers int

	// Round trips, in seconds.
	rtts   uint64
	srtt   float64
	rttvar float64
	last   time.Duration
	recent [minRTTWindow]time.Duration // the newest samples, a ring
}

// minRTTWindow is how many of the newest round-trip samples MinRTT looks
// at: ten seconds of pings at the default interval.
const minRTTWindow = 10

// Smoothing gains.
const (
	offsetGain      = 1.0 / 16 // arrival offset, per snapshot
	jitterGainUp    = 1.0 / 8  // jitter growing
	jitterGainDown  = 1.0 / 64 // jitter shrinking back
	intervalGain    = 1.0 / 16
	rttGain         = 1.0 / 8 // RFC 6298's alpha and beta
	rttVarGain      = 1.0 / 4
	resyncOutliers  = 3
	minOffsetLimitS = 0.002 // an arrival moves the offset by at most max(this, 2·jitter)·gain
)

// NewClock returns a Clock for a server running tickRate ticks a second
// and sending about snapshotRate snapshots a second (both from Welcome;
// zero or less counts as 60 and 30).
func NewClock(tickRate, snapshotRate int, opts *ClockOptions) *Clock {
	if tickRate <= 0 {
		tickRate = 60
	}
	if snapshotRate <= 0 || snapshotRate > tickRate {
		snapshotRate = min(30, tickRate)
	}
	resync := DefaultClockResync
	if opts != nil && opts.Resync > 0 {
		resync = opts.Resync
	}
	return &Clock{
		rate:     float64(tickRate),
		resync:   resync.Seconds(),
		interval: math.Ceil(float64(tickRate)/float64(snapshotRate)) / float64(tickRate),
	}
}

// TickRate is the server's ticks per second.
func (c *Clock) TickRate() float64 { return c.rate }

// secs converts a local time to seconds since the epoch, which the first
// observation sets. c.mu held.
func (c *Clock) secs(t time.Time) float64 {
	if !c.started {
		c.epoch, c.started = t, true
	}
	return t.Sub(c.epoch).Seconds()
}

// ObserveSnapshot records that the snapshot of tick arrived at local time
// at. Snapshots must be observed in the order they arrived.
func (c *Clock) ObserveSnapshot(tick uint32, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	o := float64(tick)/c.rate - c.secs(at)
	if c.arrivals == 0 {
		c.off, c.lastTick, c.arrivals = o, tick, 1
		return
	}
	c.arrivals++
	if tick > c.lastTick {
		gap := float64(tick-c.lastTick) / c.rate
		c.interval += (gap - c.interval) * intervalGain
	}
	c.lastTick = tick
	dev := o - c.off // > 0: earlier than expected
	if math.Abs(dev) > c.resync {
		if c.outliers++; c.outliers >= resyncOutliers {
			c.off, c.outliers = o, 0
		}
		return
	}
	c.outliers = 0
	// A late burst moves the offset and the jitter by bounded amounts per
	// snapshot, so one stalled packet drags neither: the offset by at most
	// twice the jitter so far, the jitter as if the arrival were at most
	// four times it (or a snapshot interval) off.
	lim := max(2*c.jitter, minOffsetLimitS)
	c.off += max(-lim, min(lim, dev)) * offsetGain
	a := min(math.Abs(dev), max(4*c.jitter, c.interval))
	if a > c.jitter {
		c.jitter += (a - c.jitter) * jitterGainUp
	} else {
		c.jitter += (a - c.jitter) * jitterGainDown
	}
}

// ObservePong records a ping's round trip: sent and at are the local
// times the Ping left and its Pong arrived, serverTick the tick the Pong
// carries. Before any snapshot has arrived it also anchors the arrival
// offset (the server read the ping somewhere inside its tick).
func (c *Clock) ObservePong(sent, at time.Time, serverTick uint32) {
	rtt := max(at.Sub(sent), 0)
	c.mu.Lock()
	if c.arrivals == 0 {
		c.off = (float64(serverTick)+0.5)/c.rate - c.secs(at)
		c.lastTick = serverTick
		c.arrivals = 1
	}
	c.mu.Unlock()
	c.ObserveRTT(rtt)
}

// ObserveRTT records one round-trip sample. A sample far above the
// smoothed value moves it by a bounded step, so a single stall does not
// swing the estimate.
func (c *Clock) ObserveRTT(rtt time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.last = rtt
	c.recent[c.rtts%minRTTWindow] = rtt
	r := rtt.Seconds()
	if c.rtts == 0 {
		c.srtt, c.rttvar, c.rtts = r, r/2, 1
		return
	}
	c.rtts++
	r = min(r, c.srtt+4*c.rttvar+0.010)
	c.rttvar += (math.Abs(c.srtt-r) - c.rttvar) * rttVarGain
	c.srtt += (r - c.srtt) * rttGain
}

// ArrivalTick returns the tick whose snapshot arrives at local time now on
// a jitter-free link: the server's time as seen from here, the reference
// for render time. ok is false before the first observation.
func (c *Clock) ArrivalTick(now time.Time) (tick float64, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.arrivals == 0 {
		return 0, false
	}
	return (c.secs(now) + c.off) * c.rate, true
}

// ServerTick estimates the server's current tick at local time now: the
// arrival tick plus half the round trip. ok is false before the first
// observation.
func (c *Clock) ServerTick(now time.Time) (tick float64, ok bool) {
	t, ok := c.ArrivalTick(now)
	return t + c.RTT().Seconds()/2*c.rate, ok
}

// InputTick estimates the server tick at which an input sent at local time
// sent reaches the server, as a real number: the server applies it from
// the first tick at or after it. It is the arrival tick of the send time
// plus a whole round trip (the snapshot's way down plus the input's way
// up), so it assumes no symmetry between the two.
func (c *Clock) InputTick(sent time.Time) (tick float64, ok bool) {
	t, ok := c.ArrivalTick(sent)
	return t + c.RTT().Seconds()*c.rate, ok
}

// RTT is the smoothed round trip (0 before the first sample).
func (c *Clock) RTT() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return seconds(c.srtt)
}

// MinRTT is the smallest of the newest round-trip samples (0 before the
// first): the network's round trip as a player should see it. A sample
// can only be too long, never too short: a receive stamped late, because
// the program was busy (drawing a frame, in a browser's single thread),
// adds to it. The minimum of a few seconds of samples keeps such delays
// out and still follows a network that gets slower within that window.
func (c *Clock) MinRTT() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := min(c.rtts, minRTTWindow)
	if n == 0 {
		return 0
	}
	m := c.recent[0]
	for _, r := range c.recent[1:n] {
		m = min(m, r)
	}
	return m
}

// RTTVar is the smoothed round-trip variation (0 before the first sample).
func (c *Clock) RTTVar() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return seconds(c.rttvar)
}

// LastRTT is the newest round-trip sample (0 before the first).
func (c *Clock) LastRTT() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last
}

// Jitter is the smoothed deviation of snapshot arrivals from their
// schedule.
func (c *Clock) Jitter() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return seconds(c.jitter)
}

// Interval is the smoothed time between snapshots, from their ticks (it
// grows when the server skips snapshots for this client).
func (c *Clock) Interval() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return seconds(c.interval)
}

// Forget drops the arrival schedule (offset, jitter, outliers) but keeps
// the round trip and the interval, for a connection to another match whose
// ticks start over.
func (c *Clock) Forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.arrivals, c.off, c.jitter, c.lastTick, c.outliers = 0, 0, 0, 0, 0
}

func seconds(s float64) time.Duration {
	return time.Duration(math.Round(s * float64(time.Second)))
}
