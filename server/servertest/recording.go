package servertest

import (
	"bytes"
	"compress/flate"
	"fmt"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/replay"
)

// RecordingOptions shapes the match Recording plays.
type RecordingOptions struct {
	Mode    string // the header's mode ("" for direct play)
	Players int    // joined one a tick from tick 1 (default 4)
	Ticks   int    // steps (default 600, 10 s at 60 Hz)
	Seed    uint64 // default 1
	// CheckpointEvery is the view checkpoint interval (default 120).
	CheckpointEvery uint32
}

// Recording plays a match of rules as the server's loop would (joins
// before steps, every player's latest input applied each step, a new
// input every other tick as from a 30 Hz client, moving, turning and
// firing by a fixed pseudo-random sequence) and returns its .skrec file,
// as server/record writes it: the same bytes for the same options.
func Recording(t testing.TB, rules game.Rules, o RecordingOptions) []byte {
	t.Helper()
	if o.Players <= 0 {
		o.Players = 4
	}
	if o.Ticks <= 0 {
		o.Ticks = 600
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.CheckpointEvery == 0 {
		o.CheckpointEvery = 120
	}
	h := replay.NewHeader("rec-test", o.Mode, rules, o.Seed, time.UnixMilli(1_700_000_000_000), o.CheckpointEvery)
	enc, frames := replay.NewEncoder(nil, h)
	w := rules.NewWorld(o.Seed)
	inputs := make([]game.PlayerInput, 0, o.Players)
	rng := o.Seed
	next := func() uint64 { rng = rng*6364136223846793005 + 1442695040888963407; return rng >> 33 }
	for tick := uint32(1); tick <= uint32(o.Ticks); tick++ {
		if int(tick) <= o.Players {
			id := game.PlayerID(tick)
			if err := w.AddPlayer(id); err != nil {
				t.Fatalf("recording: add player %d: %v", id, err)
			}
			frames = enc.Join(frames, id, fmt.Sprintf("bot-%d", id))
			inputs = append(inputs, game.PlayerInput{Player: id})
		}
		if tick%2 == 0 {
			for i := range inputs {
				in := &inputs[i].Input
				r := next()
				*in = game.Input{Seq: in.Seq + 1, MoveX: int8(r), MoveY: int8(r >> 8), Aim: in.Aim + uint16(r>>16)%1024, Buttons: uint8(r>>24) & game.ButtonFire}
			}
		}
		w.Step(tick, inputs)
		frames = enc.Step(frames, tick, inputs, w)
	}
	frames = replay.AppendEnd(frames, uint32(o.Ticks), w.Outcome())
	var file bytes.Buffer
	file.WriteString(replay.Magic)
	fw, err := flate.NewWriter(&file, flate.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(frames)
	fw.Close()
	return file.Bytes()
}
