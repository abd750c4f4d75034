package record

import (
	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/replay"
)

// recorder is one match's match.Recorder: the tick's side of a recording.
// Every method runs on the match's loop and returns at once.
type recorder struct {
	enc   *replay.Encoder
	cur   []byte      // this tick's records
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

// Step appends the tick's record and hands the tick's buffer to the
// writer without waiting: a full queue ends the recording there.
func (r *recorder) Step(tick uint32, inputs []game.PlayerInput, w game.World) {
	r.lastTick = tick
	if r.lostFrom != 0 {
		return
	}
	r.cur = r.enc.Step(r.cur, tick, inputs, w)
	select {
	case r.queue <- r.cur:
	default:
		r.lostFrom = tick
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
	close(r.queue)
}
