package clientnet

import (
	"sync/atomic"
	"time"
)

// Stats are a connection's running figures since Dial returned.
type Stats struct {
	Messages  uint64 // server messages received after the handshake
	Bytes     uint64 // payload bytes of those messages
	Snapshots uint64 // snapshots applied

	// Gaps counts snapshots that arrived more than the expected number of
	// ticks (TickRate/SnapshotRate, rounded up) after the previous one: the
	// server skipped snapshots for this client. SkippedTicks sums the ticks
	// beyond the expected interval over those gaps.
	Gaps         uint64
	SkippedTicks uint64

	Inputs   uint64 // inputs sent
	Pings    uint64 // pings sent
	BytesOut uint64 // payload bytes of the messages sent after the handshake

	// Input→ack round trips: how long from sending an input until the
	// first snapshot acknowledging it (LastSeq at least its Seq).
	RTTSamples uint64
	RTTLast    time.Duration
	RTTMin     time.Duration
	RTTMax     time.Duration
	RTTMean    time.Duration

	// PingRTT is the round trip of the last answered Ping (0: none yet).
	PingRTT time.Duration
}

// stats is the lock-free store behind Stats: the reader and the sender
// update it and anyone may read it.
type stats struct {
	messages, bytes, snapshots atomic.Uint64
	gaps, skippedTicks         atomic.Uint64
	inputs, pings, bytesOut    atomic.Uint64
	rttSamples                 atomic.Uint64
	rttSum, rttLast            atomic.Int64
	rttMin, rttMax             atomic.Int64
	pingRTT                    atomic.Int64
}

// addRTT records one input→ack sample. Reader only, so the min and max
// updates need no compare-and-swap.
func (s *stats) addRTT(d time.Duration) {
	n := s.rttSamples.Load()
	if n == 0 || int64(d) < s.rttMin.Load() {
		s.rttMin.Store(int64(d))
	}
	if int64(d) > s.rttMax.Load() {
		s.rttMax.Store(int64(d))
	}
	s.rttLast.Store(int64(d))
	s.rttSum.Add(int64(d))
	s.rttSamples.Store(n + 1)
}

func (s *stats) snapshot() Stats {
	st := Stats{
		Messages:     s.messages.Load(),
		Bytes:        s.bytes.Load(),
		Snapshots:    s.snapshots.Load(),
		Gaps:         s.gaps.Load(),
		SkippedTicks: s.skippedTicks.Load(),
		Inputs:       s.inputs.Load(),
		Pings:        s.pings.Load(),
		BytesOut:     s.bytesOut.Load(),
		RTTSamples:   s.rttSamples.Load(),
		RTTLast:      time.Duration(s.rttLast.Load()),
		RTTMin:       time.Duration(s.rttMin.Load()),
		RTTMax:       time.Duration(s.rttMax.Load()),
		PingRTT:      time.Duration(s.pingRTT.Load()),
	}
	if st.RTTSamples > 0 {
		st.RTTMean = time.Duration(s.rttSum.Load() / int64(st.RTTSamples))
	}
	return st
}

// gapTracker finds snapshots that came later than the snapshot interval.
type gapTracker struct {
	interval uint32 // expected ticks between snapshots, rounded up; 0: unknown
	last     uint32 // tick of the previous snapshot; 0: none
}

func newGapTracker(tickRate, snapshotRate uint32) gapTracker {
	if tickRate == 0 || snapshotRate == 0 {
		return gapTracker{}
	}
	return gapTracker{interval: max((tickRate+snapshotRate-1)/snapshotRate, 1)}
}

// observe takes the tick of a new snapshot and returns how many ticks it
// came beyond the expected interval (0: on time).
func (g *gapTracker) observe(tick uint32) uint32 {
	last := g.last
	g.last = tick
	if last == 0 || g.interval == 0 || tick <= last {
		return 0
	}
	if d := tick - last; d > g.interval {
		return d - g.interval
	}
	return 0
}
