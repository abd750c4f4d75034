package ui

import (
	"slices"
	"time"
)

// frameTiming records the time between frames and the time spent in
// Update and Draw (the CPU side of a frame; Ebitengine flushes the GPU
// commands after Draw returns, which the time between frames includes).
type frameTiming struct {
	frames, updates, draws []time.Duration
}

const timingKeep = 4096

func keep(s []time.Duration, d time.Duration) []time.Duration {
	if len(s) >= timingKeep {
		s = append(s[:0], s[len(s)-timingKeep/2:]...)
	}
	return append(s, d)
}

func (t *frameTiming) addFrame(d time.Duration)  { t.frames = keep(t.frames, d) }
func (t *frameTiming) addUpdate(d time.Duration) { t.updates = keep(t.updates, d) }
func (t *frameTiming) addDraw(d time.Duration)   { t.draws = keep(t.draws, d) }

// frameStats summarise frame timings.
type frameStats struct {
	Frames                int
	FrameMean, FrameP99   time.Duration // time from one frame to the next
	UpdateMean, UpdateP99 time.Duration
	DrawMean, DrawP99     time.Duration
}

func (t *frameTiming) stats() frameStats {
	var s frameStats
	s.Frames = len(t.frames)
	s.FrameMean, s.FrameP99 = summary(t.frames)
	s.UpdateMean, s.UpdateP99 = summary(t.updates)
	s.DrawMean, s.DrawP99 = summary(t.draws)
	return s
}

func summary(ds []time.Duration) (mean, p99 time.Duration) {
	if len(ds) == 0 {
		return 0, 0
	}
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return sum / time.Duration(len(ds)), s[min(len(s)-1, len(s)*99/100)]
}
