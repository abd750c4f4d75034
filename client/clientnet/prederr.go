package clientnet

import (
	"math"
	"slices"
)

// PredictionErrors summarizes how far the prediction was from the server:
// at every reconciliation, the distance between the position predicted for
// the tick a snapshot shows and the position the snapshot gives, in
// PredictorOptions.ErrorUnit units (world units for the arena). Agreement
// to the view's precision counts as 0.
type PredictionErrors struct {
	// Count is the number of reconciliations measured, Corrections those
	// that moved the prediction (a nonzero error), Snaps those too large
	// to be errors (respawns, teleports: PredictorOptions.SnapDistance),
	// which are not in the figures below.
	Count, Corrections, Snaps uint64
	// Last is the newest error; Mean and the percentiles are over the
	// newest PredictorOptions.ErrorWindow errors, Max over all of them.
	Last, Mean, P50, P90, P99, Max float64
}

// errorStats keeps the newest errors in a ring.
type errorStats struct {
	ring        []float64
	next        int
	full        bool
	count       uint64
	corrections uint64
	snaps       uint64
	last, max   float64
	scratch     []float64
}

func newErrorStats(window int) errorStats {
	return errorStats{ring: make([]float64, window)}
}

func (s *errorStats) add(e float64) {
	s.count++
	if e > 0 {
		s.corrections++
	}
	s.last = e
	s.max = max(s.max, e)
	s.ring[s.next] = e
	if s.next++; s.next == len(s.ring) {
		s.next, s.full = 0, true
	}
}

func (s *errorStats) summary() PredictionErrors {
	p := PredictionErrors{Count: s.count, Corrections: s.corrections, Snaps: s.snaps, Last: s.last, Max: s.max}
	n := s.next
	if s.full {
		n = len(s.ring)
	}
	if n == 0 {
		return p
	}
	s.scratch = append(s.scratch[:0], s.ring[:n]...)
	slices.Sort(s.scratch)
	sum := 0.0
	for _, v := range s.scratch {
		sum += v
	}
	p.Mean = sum / float64(n)
	p.P50 = percentile(s.scratch, 0.50)
	p.P90 = percentile(s.scratch, 0.90)
	p.P99 = percentile(s.scratch, 0.99)
	return p
}

// percentile returns the q-quantile of sorted values (nearest rank).
func percentile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}
