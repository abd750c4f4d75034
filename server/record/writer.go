package record

import (
	"bufio"
	"compress/flate"
	"log/slog"
	"os"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/replay"
)

// writer is a recording's goroutine: it compresses the tick's buffers into
// the file, flushing every 2 s so a crash loses little.
type writer struct {
	f          *os.File
	path       string
	flushEvery int // frames
	metrics    *metrics
	logger     *slog.Logger

	bw     *bufio.Writer
	fw     *flate.Writer
	failed bool
	count  countingWriter
}

// countingWriter counts the compressed bytes written to the file.
type countingWriter struct {
	w interface{ Write([]byte) (int, error) }
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func (w *writer) run(r *recorder, head []byte) {
	f, err := os.OpenFile(w.path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		w.fail(err)
		for range r.queue { // the match never waits on a failed recording
		}
		return
	}
	w.f = f
	w.count.w = w.f
	w.bw = bufio.NewWriterSize(&w.count, 64<<10)
	w.bw.WriteString(replay.Magic)
	w.fw, _ = flate.NewWriter(w.bw, flate.DefaultCompression) // the level is valid
	w.write(head)
	frames := 0
	for b := range r.queue {
		w.write(b)
		select {
		case r.free <- b:
		default:
		}
		if frames++; frames >= w.flushEvery {
			frames = 0
			w.flush()
		}
	}
	// The queue is closed: the tick wrote lostFrom and end before that.
	var tail []byte
	if r.lostFrom != 0 {
		w.logger.Warn("recording incomplete: the writer fell behind", "file", w.path, "from_tick", r.lostFrom)
		tail = replay.AppendIncomplete(tail, r.lostFrom)
	}
	out := game.Outcome{}
	if r.end != nil {
		out = *r.end
	}
	tail = replay.AppendEnd(tail, r.endTick, out)
	w.write(tail)
	if err := w.fw.Close(); err != nil {
		w.fail(err)
	}
	if err := w.bw.Flush(); err != nil {
		w.fail(err)
	}
	if err := w.f.Close(); err != nil {
		w.fail(err)
	}
	w.metrics.bytes.Add(float64(w.count.n))
	if !w.failed {
		w.logger.Info("recording written", "file", w.path, "bytes", w.count.n, "ticks", r.lastTick)
	}
}

func (w *writer) write(b []byte) {
	if w.failed {
		return
	}
	if _, err := w.fw.Write(b); err != nil {
		w.fail(err)
	}
}

func (w *writer) flush() {
	if w.failed {
		return
	}
	if err := w.fw.Flush(); err != nil {
		w.fail(err)
		return
	}
	if err := w.bw.Flush(); err != nil {
		w.fail(err)
	}
}

// fail gives up writing after the first error (a full disk): the queue is
// still drained, so the match never waits.
func (w *writer) fail(err error) {
	if !w.failed {
		w.failed = true
		w.metrics.failed.Inc()
		w.logger.Error("recording failed", "file", w.path, "err", err)
	}
}
