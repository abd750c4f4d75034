package bot

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// BotResult is what one bot did and saw over a run.
type BotResult struct {
	Index int
	Name  string

	Connects        int // handshakes that succeeded
	Queued          int // assignments received from the matchmaker
	ConnectFailures int // dials or handshakes that failed
	Disconnects     int // connections lost other than at a match's end
	MatchesFinished int // matches played to their MatchEnd
	Requeues        int // seats given up (refused, or the host unreachable) to queue again
	Left            int // connections the bot closed itself to join again (Churn)
	Dropped         int // connections the bot cut itself to resume its seat (Churn)
	Resumed         int // seats taken back after a drop (a Welcome marked resumed)

	// Connected is the time spent connected, from each Welcome to each
	// close, summed over connections; the rates below are over it.
	Connected       time.Duration
	Snapshots       uint64
	Bytes           uint64 // payload bytes of every server message
	Gaps            uint64 // snapshots that came after skipped ones (see clientnet.Stats)
	Inputs          uint64
	SnapshotsPerSec float64
	BytesPerSec     float64

	RTTSamples uint64        // input→ack round trips measured
	RTTMax     time.Duration // the longest of them

	// OthersSeenMoving counts the other players this bot saw move, once
	// per player per connection.
	OthersSeenMoving int
	SawOthersMove    bool
	// ScoreChanges counts score events and snapshot score changes seen.
	ScoreChanges   int
	SawScoreChange bool
	// Hits counts hit events seen (anyone hitting anyone).
	Hits int

	LastError string // the last connect failure or disconnect, if any
}

// Distribution summarizes one figure across bots.
type Distribution struct {
	Mean, P50, P99 float64
}

// Latency summarizes input→ack round trips over every sample of a run.
type Latency struct {
	Samples       uint64
	P50, P99, Max time.Duration
}

// Report is the outcome of a Run.
type Report struct {
	Duration time.Duration // wall time of the run
	Bots     []BotResult   // one per bot, by index

	SnapshotsPerSec Distribution // per-bot rates over their connected time
	BytesPerSec     Distribution
	RTT             Latency
	// QueueWait is the time from queueing to joining the assigned match,
	// over every match a bot queued for (with a Mode).
	QueueWait Latency

	Connects        int
	ConnectFailures int
	Disconnects     int
	MatchesFinished int
	Requeues        int

	BotsSawOthersMove    int
	BotsSawScoreChange   int
	BotsWithoutSnapshots int // bots that never received a snapshot
}

func newReport(d time.Duration, bots []*bot, rtt, wait *histogram) Report {
	r := Report{Duration: d, Bots: make([]BotResult, len(bots))}
	snaps := make([]float64, len(bots))
	bytes := make([]float64, len(bots))
	for i, b := range bots {
		res := b.res
		if secs := res.Connected.Seconds(); secs > 0 {
			res.SnapshotsPerSec = float64(res.Snapshots) / secs
			res.BytesPerSec = float64(res.Bytes) / secs
		}
		res.SawOthersMove = res.OthersSeenMoving > 0
		res.SawScoreChange = res.ScoreChanges > 0
		r.Bots[i] = res
		snaps[i], bytes[i] = res.SnapshotsPerSec, res.BytesPerSec

		r.Connects += res.Connects
		r.ConnectFailures += res.ConnectFailures
		r.Disconnects += res.Disconnects
		r.MatchesFinished += res.MatchesFinished
		r.Requeues += res.Requeues
		if res.SawOthersMove {
			r.BotsSawOthersMove++
		}
		if res.SawScoreChange {
			r.BotsSawScoreChange++
		}
		if res.Snapshots == 0 {
			r.BotsWithoutSnapshots++
		}
	}
	r.SnapshotsPerSec = distribution(snaps)
	r.BytesPerSec = distribution(bytes)
	r.RTT = latency(rtt)
	r.QueueWait = latency(wait)
	return r
}

func latency(h *histogram) Latency {
	return Latency{
		Samples: h.n.Load(),
		P50:     h.quantile(0.50),
		P99:     h.quantile(0.99),
		Max:     time.Duration(h.max.Load()),
	}
}

// distribution summarizes vs, which it sorts.
func distribution(vs []float64) Distribution {
	if len(vs) == 0 {
		return Distribution{}
	}
	slices.Sort(vs)
	var sum float64
	for _, v := range vs {
		sum += v
	}
	return Distribution{Mean: sum / float64(len(vs)), P50: rank(vs, 0.50), P99: rank(vs, 0.99)}
}

// rank is the nearest-rank quantile q of sorted vs.
func rank(vs []float64, q float64) float64 {
	i := int(q*float64(len(vs))+0.999999) - 1
	return vs[min(max(i, 0), len(vs)-1)]
}

// Err reports whether the bots failed to connect or to play: any connect
// failure, or a bot that never received a snapshot. nil means every bot
// connected and played.
func (r *Report) Err() error {
	var problems []string
	if r.ConnectFailures > 0 {
		problems = append(problems, fmt.Sprintf("%d failed connection attempts", r.ConnectFailures))
	}
	if r.BotsWithoutSnapshots > 0 {
		problems = append(problems, fmt.Sprintf("%d of %d bots never received a snapshot", r.BotsWithoutSnapshots, len(r.Bots)))
	}
	if len(problems) == 0 {
		return nil
	}
	msg := strings.Join(problems, "; ")
	for _, b := range r.Bots {
		if b.LastError != "" {
			msg += " (last error of " + b.Name + ": " + b.LastError + ")"
			break
		}
	}
	return errors.New("bot: " + msg)
}

// Summary is the flat, machine-readable form of a Report: the last line
// WriteText prints, as JSON.
type Summary struct {
	Bots                 int     `json:"bots"`
	DurationS            float64 `json:"duration_s"`
	SnapshotsPerSecMean  float64 `json:"snapshots_per_s_mean"`
	SnapshotsPerSecP50   float64 `json:"snapshots_per_s_p50"`
	SnapshotsPerSecP99   float64 `json:"snapshots_per_s_p99"`
	BytesPerSecMean      float64 `json:"bytes_per_s_mean"`
	BytesPerSecP50       float64 `json:"bytes_per_s_p50"`
	BytesPerSecP99       float64 `json:"bytes_per_s_p99"`
	RTTSamples           uint64  `json:"rtt_samples"`
	RTTP50Ms             float64 `json:"rtt_p50_ms"`
	RTTP99Ms             float64 `json:"rtt_p99_ms"`
	RTTMaxMs             float64 `json:"rtt_max_ms"`
	QueueWaits           uint64  `json:"queue_waits"`
	QueueWaitP50Ms       float64 `json:"queue_wait_p50_ms"`
	QueueWaitP99Ms       float64 `json:"queue_wait_p99_ms"`
	Connects             int     `json:"connects"`
	ConnectFailures      int     `json:"connect_failures"`
	Disconnects          int     `json:"disconnects"`
	MatchesFinished      int     `json:"matches_finished"`
	BotsSawOthersMove    int     `json:"bots_saw_others_move"`
	BotsSawScoreChange   int     `json:"bots_saw_score_change"`
	BotsWithoutSnapshots int     `json:"bots_without_snapshots"`
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Summary returns the report's figures, flat.
func (r *Report) Summary() Summary {
	return Summary{
		Bots:                 len(r.Bots),
		DurationS:            r.Duration.Seconds(),
		SnapshotsPerSecMean:  r.SnapshotsPerSec.Mean,
		SnapshotsPerSecP50:   r.SnapshotsPerSec.P50,
		SnapshotsPerSecP99:   r.SnapshotsPerSec.P99,
		BytesPerSecMean:      r.BytesPerSec.Mean,
		BytesPerSecP50:       r.BytesPerSec.P50,
		BytesPerSecP99:       r.BytesPerSec.P99,
		RTTSamples:           r.RTT.Samples,
		RTTP50Ms:             ms(r.RTT.P50),
		RTTP99Ms:             ms(r.RTT.P99),
		RTTMaxMs:             ms(r.RTT.Max),
		QueueWaits:           r.QueueWait.Samples,
		QueueWaitP50Ms:       ms(r.QueueWait.P50),
		QueueWaitP99Ms:       ms(r.QueueWait.P99),
		Connects:             r.Connects,
		ConnectFailures:      r.ConnectFailures,
		Disconnects:          r.Disconnects,
		MatchesFinished:      r.MatchesFinished,
		BotsSawOthersMove:    r.BotsSawOthersMove,
		BotsSawScoreChange:   r.BotsSawScoreChange,
		BotsWithoutSnapshots: r.BotsWithoutSnapshots,
	}
}

// WriteText writes a human-readable summary, then the Summary as one JSON
// line for scripts.
func (r *Report) WriteText(w io.Writer) error {
	s := r.Summary()
	n := len(r.Bots)
	var b strings.Builder
	fmt.Fprintf(&b, "bots              %d for %.1fs\n", n, s.DurationS)
	fmt.Fprintf(&b, "snapshots/s/bot   mean %.1f  p50 %.1f  p99 %.1f\n", s.SnapshotsPerSecMean, s.SnapshotsPerSecP50, s.SnapshotsPerSecP99)
	fmt.Fprintf(&b, "bytes/s/bot       mean %s  p50 %s  p99 %s\n", size(s.BytesPerSecMean), size(s.BytesPerSecP50), size(s.BytesPerSecP99))
	fmt.Fprintf(&b, "input→ack RTT     p50 %.1f ms  p99 %.1f ms  max %.1f ms  (%d samples)\n", s.RTTP50Ms, s.RTTP99Ms, s.RTTMaxMs, s.RTTSamples)
	if s.QueueWaits > 0 {
		fmt.Fprintf(&b, "queue→join        p50 %.1f ms  p99 %.1f ms  (%d matches joined)\n", s.QueueWaitP50Ms, s.QueueWaitP99Ms, s.QueueWaits)
	}
	fmt.Fprintf(&b, "connections       %d made, %d failed, %d dropped; %d matches finished\n", s.Connects, s.ConnectFailures, s.Disconnects, s.MatchesFinished)
	fmt.Fprintf(&b, "saw others move   %d/%d bots\n", s.BotsSawOthersMove, n)
	fmt.Fprintf(&b, "saw scores change %d/%d bots\n", s.BotsSawScoreChange, n)
	if s.BotsWithoutSnapshots > 0 {
		fmt.Fprintf(&b, "no snapshot       %d/%d bots\n", s.BotsWithoutSnapshots, n)
	}
	line, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("bot: encode summary: %w", err)
	}
	b.Write(line)
	b.WriteByte('\n')
	_, err = io.WriteString(w, b.String())
	return err
}

// size formats a byte rate.
func size(v float64) string {
	switch {
	case v >= 1<<20:
		return fmt.Sprintf("%.2f MiB", v/(1<<20))
	case v >= 1<<10:
		return fmt.Sprintf("%.1f KiB", v/(1<<10))
	}
	return fmt.Sprintf("%.0f B", v)
}
