// Package record writes match recordings (the replay package's .skrec
// format) to a directory, one file per match, for `skirmish serve|host
// -record DIR`.
//
// The match's tick only appends records to a per-tick buffer (the replay
// Encoder: a few dozen bytes, no allocation in steady state) and hands it
// to the file's writer goroutine with a non-blocking send on a bounded
// queue. Compression and file I/O happen on the writer. When the writer
// falls behind and the queue is full, the recording stops there: the file
// ends with a record saying from which tick records were lost, the
// skirmish_recordings_incomplete_total counter counts it, and the match
// never waits.
package record

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/replay"
	"github.com/skirmishgg/skirmish/server/clock"
	"github.com/skirmishgg/skirmish/server/match"
)

// Ext is the file extension of a recording.
const Ext = ".skrec"

// Options configures a Recorders.
type Options struct {
	// Dir is where recordings go; it is created if missing. Required.
	Dir string
	// CheckpointEvery is how far apart checkpoints are: the world's state
	// for a game that saves it (the arena), for seeking, else its view.
	// Default 10s: a seek re-simulates at most that much (600 arena steps
	// of 16 players: about 4 ms natively, 15 ms in a browser), for about
	// 7% of a 16-player arena recording (a state is about 1 KB compressed).
	CheckpointEvery time.Duration
	// Batch is how many ticks of records go to the writer at once.
	// Default a quarter of a second's worth.
	Batch int
	// Queue is how many batches may wait for the writer before the
	// recording is cut short. Default 64 (16 s at a quarter of a second a
	// batch).
	Queue int
	// Registerer receives the recorder's metrics. Default none.
	Registerer prometheus.Registerer
	// Clock stamps the start of each recording. Default clock.System.
	Clock clock.Clock
	// Logger receives structured logs. Default slog.Default().
	Logger *slog.Logger
}

// Recorders opens a recording for each match of a host.
type Recorders struct {
	opts    Options
	metrics metrics
	writers sync.WaitGroup
	// startWriter starts a recording's writer; tests hold it back.
	startWriter func(r *recorder, run func())
}

// New checks the directory (creating it) and registers the metrics.
func New(o Options) (*Recorders, error) {
	if o.Dir == "" {
		return nil, errors.New("record: no directory")
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("record: %w", err)
	}
	if o.CheckpointEvery <= 0 {
		o.CheckpointEvery = 10 * time.Second
	}
	if o.Queue <= 0 {
		o.Queue = 64
	}
	if o.Clock == nil {
		o.Clock = clock.System{}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	rs := &Recorders{opts: o, metrics: newMetrics()}
	if o.Registerer != nil {
		if err := rs.metrics.register(o.Registerer); err != nil {
			return nil, fmt.Errorf("record: metrics: %w", err)
		}
	}
	return rs, nil
}

// Open starts the recording of a match about to run: its writer starts,
// and creates the file on its own goroutine (the registry calls Open
// under its lock). A file that cannot be created or written is logged and
// counted (skirmish_recordings_failed_total); the match plays on.
func (rs *Recorders) Open(matchID, mode string, rules game.Rules, seed uint64) match.Recorder {
	start := rs.opts.Clock.Now().UTC()
	path := filepath.Join(rs.opts.Dir, fileName(matchID, start))
	every := uint32(max(1, int64(rs.opts.CheckpointEvery)*int64(rules.TickRate())/int64(time.Second)))
	h := replay.NewHeader(matchID, mode, rules, seed, start, every)
	enc, head := replay.NewEncoder(nil, h)
	r := &recorder{
		enc:     enc,
		queue:   make(chan []byte, rs.opts.Queue),
		free:    make(chan []byte, rs.opts.Queue),
		metrics: &rs.metrics,
		batch:   rs.opts.Batch,
	}
	if r.batch <= 0 {
		r.batch = max(1, rules.TickRate()/4)
	}
	// A flush every 2 s: each costs a new DEFLATE block (about 60 bytes),
	// 4.5% of a bots recording at one a second, 2% at one every 2 s.
	w := &writer{path: path, flushEvery: max(1, 2*rules.TickRate()/r.batch), metrics: &rs.metrics, logger: rs.opts.Logger.With("match", matchID)}
	rs.metrics.started.Inc()
	rs.writers.Add(1)
	run := func() {
		defer rs.writers.Done()
		w.run(r, head)
	}
	if rs.startWriter != nil {
		rs.startWriter(r, run)
	} else {
		go run()
	}
	return r
}

// Wait waits until the recordings of every match that has ended are
// written and closed. A server calls it after its matches stopped.
func (rs *Recorders) Wait() { rs.writers.Wait() }

// fileName is the match ID, made safe for a file name, and the start time.
func fileName(matchID string, start time.Time) string {
	id := strings.Map(func(c rune) rune {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
			return c
		}
		return '_'
	}, matchID)
	if len(id) > 64 {
		id = id[:64]
	}
	return id + "-" + start.UTC().Format(nameTime) + Ext // "Z": always UTC
}

// nameTime is the layout of a file name's start time.
const nameTime = "20060102T150405.000Z"

// parseName reads back what fileName wrote: the match ID (as made safe)
// and the start; ok is false for a name fileName did not write.
func parseName(name string) (matchID string, start time.Time, ok bool) {
	base, found := strings.CutSuffix(name, Ext)
	if !found || len(base) < len(nameTime)+2 || base[len(base)-len(nameTime)-1] != '-' {
		return "", time.Time{}, false
	}
	start, err := time.Parse(nameTime, base[len(base)-len(nameTime):])
	if err != nil {
		return "", time.Time{}, false
	}
	return base[:len(base)-len(nameTime)-1], start.UTC(), true
}
