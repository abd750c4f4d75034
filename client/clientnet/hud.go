package clientnet

import (
	"sync"
	"time"
)

// HUD is what an on-screen network display shows, as of one frame.
type HUD struct {
	State State

	// Ping is the network round trip to show a player: the least of the
	// last few ping samples (Clock.MinRTT), which a busy frame loop cannot
	// inflate. RTT is the smoothed round trip, RTTVar its variation.
	Ping        time.Duration
	RTT, RTTVar time.Duration
	// Jitter is the smoothed deviation of snapshot arrivals from their
	// schedule.
	Jitter time.Duration

	// SnapshotRate is the number of snapshots received over the last
	// second; SkippedSnapshots the snapshots the server skipped for this
	// client (it was too slow to take them), over the whole session.
	SnapshotRate     float64
	SkippedSnapshots uint64

	// BytesIn and BytesOut are the message payload bytes per second
	// received and sent over the last second.
	BytesIn, BytesOut float64

	// Delay is the interpolation delay in effect, TargetDelay the one it
	// moves towards; Extrapolating says the snapshot buffer ran dry.
	Delay, TargetDelay time.Duration
	Extrapolating      bool

	// PredictionError is the newest prediction error (world units for the
	// arena; see PredictionErrors); 0 without prediction.
	PredictionError float64

	// Reconnects counts the connections made after the first.
	Reconnects int

	// Stalled: no snapshot for ClientOptions.StallAfter (StateStalled).
	Stalled bool
}

// GraphSample is one frame of the network graph.
type GraphSample struct {
	At    time.Time
	RTT   time.Duration // smoothed ping round trip
	Delay time.Duration // interpolation delay in effect
	// BytesIn, BytesOut and Snapshots are what arrived and left since the
	// previous frame.
	BytesIn, BytesOut int
	Snapshots         int
	PredictionError   float32 // the newest, as in HUD
	Extrapolating     bool
}

// DefaultGraphLen is how many frames the network graph keeps by default:
// four seconds at 60 frames a second.
const DefaultGraphLen = 240

// rateMeter counts events in ten 100 ms buckets: a rolling one-second
// window that costs nothing to keep up to date.
type rateMeter struct {
	buckets [meterBuckets]meterBucket
}

type meterBucket struct {
	slot int64 // time / meterSlot
	n    uint64
}

const (
	meterBuckets = 10
	meterSlot    = int64(100 * time.Millisecond)
)

func slotOf(t time.Time) int64 {
	ns := t.UnixNano()
	s := ns / meterSlot
	if ns%meterSlot < 0 {
		s--
	}
	return s
}

func (m *rateMeter) add(now time.Time, n uint64) {
	s := slotOf(now)
	b := &m.buckets[((s%meterBuckets)+meterBuckets)%meterBuckets]
	if b.slot != s {
		b.slot, b.n = s, 0
	}
	b.n += n
}

// rate is the count per second over the window ending at now: the current
// bucket so far and the nine before it.
func (m *rateMeter) rate(now time.Time) float64 {
	s := slotOf(now)
	var sum uint64
	for _, b := range m.buckets {
		if b.slot > s-meterBuckets && b.slot <= s {
			sum += b.n
		}
	}
	span := time.Duration(now.UnixNano() - (s-meterBuckets+1)*meterSlot)
	return float64(sum) / span.Seconds()
}

// hudMeter keeps the rolling counters and the graph.
type hudMeter struct {
	mu                sync.Mutex
	in, out, snaps    rateMeter
	inTotal, outTotal uint64
	snapTotal         uint64
	// Totals at the previous graph sample.
	lastIn, lastOut, lastSnaps uint64

	graph []GraphSample
	next  int
	full  bool
}

func newHUDMeter(graphLen int) *hudMeter {
	return &hudMeter{graph: make([]GraphSample, graphLen)}
}

func (h *hudMeter) received(now time.Time, bytes uint64) {
	h.mu.Lock()
	h.in.add(now, bytes)
	h.inTotal += bytes
	h.mu.Unlock()
}

func (h *hudMeter) sent(now time.Time, bytes uint64) {
	h.mu.Lock()
	h.out.add(now, bytes)
	h.outTotal += bytes
	h.mu.Unlock()
}

func (h *hudMeter) snapshot(now time.Time) {
	h.mu.Lock()
	h.snaps.add(now, 1)
	h.snapTotal++
	h.mu.Unlock()
}

// frame fills the rates of hud and records a graph sample from it.
func (h *hudMeter) frame(now time.Time, hud *HUD) {
	h.mu.Lock()
	defer h.mu.Unlock()
	hud.BytesIn = h.in.rate(now)
	hud.BytesOut = h.out.rate(now)
	hud.SnapshotRate = h.snaps.rate(now)
	h.graph[h.next] = GraphSample{
		At:              now,
		RTT:             hud.RTT,
		Delay:           hud.Delay,
		BytesIn:         int(h.inTotal - h.lastIn),
		BytesOut:        int(h.outTotal - h.lastOut),
		Snapshots:       int(h.snapTotal - h.lastSnaps),
		PredictionError: float32(hud.PredictionError),
		Extrapolating:   hud.Extrapolating,
	}
	h.lastIn, h.lastOut, h.lastSnaps = h.inTotal, h.outTotal, h.snapTotal
	if h.next++; h.next == len(h.graph) {
		h.next, h.full = 0, true
	}
}

// samples appends the graph, oldest first, to dst[:0].
func (h *hudMeter) samples(dst []GraphSample) []GraphSample {
	h.mu.Lock()
	defer h.mu.Unlock()
	dst = dst[:0]
	if h.full {
		dst = append(dst, h.graph[h.next:]...)
	}
	return append(dst, h.graph[:h.next]...)
}
