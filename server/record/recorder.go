package record

import (
	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/replay"
)

// recorder is one match's match.Recorder: the tick's side of a recording.
// Every method runs on the match's loop and returns at once.
type recorder struct {
	enc   *replay.Encoder
	cur   []byte      // the records of the ticks since the last send
	first uint32      // the first tick in cur
	batch int         // ticks per send
	ticks int         // ticks in cur
	queue chan []byte // to the writer; closed by Close
	free  chan []byte // buffers back from the writer, for reuse

	metrics *metrics

	// Set by the tick before it closes queue; read by the writer after.
	lostFrom uint32 // 0, or the first tick whose records were not queued
	end      *game.Outcome
	endTick  uint32
	lastTick uint32
}

func (r *recorder) Join(id game.PlayerID, name string) {
	if r.lostFrom == 0 {
		r.cur = r.enc.Join(r.cur, id, name)
	}
}

func (r *recorder) Leave(id game.PlayerID) {
	if r.lostFrom == 0 {
		r.cur = r.enc.Leave(r.cur, id)
	}
}

// Step appends the tick's record and, every few ticks (a send wakes the
// writer, which costs more than encoding a tick), hands the buffer to the
// writer without waiting: a full queue ends the recording there.
func (r *recorder) Step(tick uint32, inputs []game.PlayerInput, w game.World) {
	r.lastTick = tick
	if r.lostFrom != 0 {
		return
	}
	if r.ticks == 0 {
		r.first = tick
	}
	r.cur = r.enc.Step(r.cur, tick, inputs, w)
	if r.ticks++; r.ticks >= r.batch || len(r.cur) >= sendBytes {
		r.send()
	}
}

// sendBytes sends a batch early when it grew this large.
const sendBytes = 16 << 10

// send hands cur to the writer, or ends the recording when the queue is
// full.
func (r *recorder) send() {
	r.ticks = 0
	select {
	case r.queue <- r.cur:
	default:
		r.lostFrom = r.first
		r.cur = r.cur[:0]
		r.metrics.incomplete.Inc()
		return
	}
	select {
	case b := <-r.free:
		r.cur = b[:0]
	default:
		r.cur = make([]byte, 0, 256)
	}
}

func (r *recorder) End(tick uint32, out game.Outcome) {
	out.Results = append([]game.Result(nil), out.Results...)
	r.end, r.endTick = &out, tick
}

func (r *recorder) Close(tick uint32) {
	if r.end == nil {
		r.endTick = tick
	}
	if r.lostFrom == 0 && r.ticks > 0 {
		r.send()
	}
	close(r.queue)
}
