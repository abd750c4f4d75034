package replay_test

import (
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/replay"
)

// compress makes a file of raw records, as the server's writer does.
func compress(t *testing.T, frames []byte) []byte {
	t.Helper()
	var file bytes.Buffer
	file.WriteString(replay.Magic)
	fw, _ := flate.NewWriter(&file, flate.DefaultCompression)
	fw.Write(frames)
	fw.Close()
	return file.Bytes()
}

// TestPackedInputsRoundTrip: each changed input reads back as it was,
// whichever fields change, by however much (seq jumps and wraps, aims
// across the wrap, extreme axes), absences included.
func TestPackedInputsRoundTrip(t *testing.T) {
	type tick struct {
		ins    []game.PlayerInput
		absent []game.PlayerID
	}
	in := func(id game.PlayerID, seq uint32, mx, my int8, aim uint16, b uint8, rw uint16) game.PlayerInput {
		return game.PlayerInput{Player: id, Input: game.Input{Seq: seq, MoveX: mx, MoveY: my, Aim: aim, Buttons: b, Rewind: rw}}
	}
	p1 := []game.PlayerInput{in(1, 1, 0, 0, 0, 0, 0), in(1, 2, 5, 0, 1, 0, 0), in(1, 90, 5, -7, 32768, 255, 65535), in(1, 91, 5, -7, 32768, 255, 0),
		in(1, 92, 127, 0, 0, 255, 0), in(1, 93, -90, -90, 40960, 255, 0), in(1, 94, 90, -90, 40960, 255, 0)} // moves along the aim, then not
	p300 := []game.PlayerInput{in(300, 7, -128, 127, 65535, 1, 31), in(300, 1<<32-1, -128, 127, 0, 1, 31), in(300, 3, 0, 0, 100, 0, 0)}
	// A player missing from a tick's inputs is absent.
	ticks := []tick{
		{ins: []game.PlayerInput{p1[0], p300[0]}},
		{ins: []game.PlayerInput{p1[1], p300[0]}}, // seq +1 implied, aim +1; 300 unchanged
		{ins: []game.PlayerInput{p300[1], p1[1]}}, // seq wraps back, aim wraps, out of order
		{ins: []game.PlayerInput{p1[2], p300[1]}}, // every field of 1
		{ins: []game.PlayerInput{p1[2]}, absent: []game.PlayerID{300}},
		{ins: []game.PlayerInput{p300[2], p1[3]}}, // 300 back: recorded even where unchanged
		{ins: []game.PlayerInput{p300[2], p1[3]}},
		{ins: []game.PlayerInput{p300[2], p1[4]}}, // full tilt along the aim
		{ins: []game.PlayerInput{p300[2], p1[5]}}, // again, at 225°
		{ins: []game.PlayerInput{p300[2], p1[6]}}, // across the aim
	}
	rules := arena.New(&arena.Config{MaxPlayers: 400})
	w := rules.NewWorld(1)
	enc, frames := replay.NewEncoder(nil, replay.NewHeader("m", "", rules, 1, time.Unix(0, 0), 0))
	for _, id := range []game.PlayerID{1, 300} {
		w.AddPlayer(id)
		frames = enc.Join(frames, id, "p")
	}
	for i, tk := range ticks {
		w.Step(uint32(i+1), tk.ins)
		frames = enc.Step(frames, uint32(i+1), tk.ins, w)
	}
	rec, err := replay.Read(bytes.NewReader(compress(t, frames)))
	if err != nil {
		t.Fatal(err)
	}
	last := map[game.PlayerID]game.Input{}
	for i, tk := range ticks {
		s := rec.Steps[i]
		got := map[game.PlayerID]game.Input{}
		for _, pi := range s.Inputs {
			got[pi.Player] = pi.Input
		}
		for _, pi := range tk.ins {
			g, ok := got[pi.Player]
			if !ok && pi.Input != last[pi.Player] {
				t.Errorf("tick %d: player %d's changed input %+v is missing", i+1, pi.Player, pi.Input)
			}
			if ok && g != pi.Input {
				t.Errorf("tick %d: player %d: read %+v, wrote %+v", i+1, pi.Player, g, pi.Input)
			}
			last[pi.Player] = pi.Input
		}
		if len(tk.absent) != len(s.Absent) || len(s.Absent) > 0 && s.Absent[0] != tk.absent[0] {
			t.Errorf("tick %d: absent %v, want %v", i+1, s.Absent, tk.absent)
		}
	}
}

// TestOldFormatRefused: a format 1 recording gets an error naming both
// versions.
func TestOldFormatRefused(t *testing.T) {
	file := simulate(t, arena.New(nil), 10, 0)
	raw, err := io.ReadAll(flate.NewReader(bytes.NewReader(file[len(replay.Magic):])))
	if err != nil {
		t.Fatal(err)
	}
	// The header: its length, a 12-array, the record type, the format.
	i := bytes.Index(raw, []byte{0x9c, 1, replay.Format})
	if i < 0 || i > 3 {
		t.Fatalf("no header at the start: % x", raw[:8])
	}
	raw[i+2] = 1
	_, err = replay.Read(bytes.NewReader(compress(t, raw)))
	if !errors.Is(err, replay.ErrFormat) || !strings.Contains(err.Error(), "format 1") || !strings.Contains(err.Error(), "format 2") {
		t.Fatalf("err %v", err)
	}
}

// TestReplayerAtState: a replayer started at a state checkpoint is at
// that tick, and steps on to the end with every recorded hash; before the
// first state it starts at the beginning.
func TestReplayerAtState(t *testing.T) {
	rules := arena.New(nil)
	rec := read(t, simulate(t, rules, 600, 60))
	for _, tc := range []struct{ seek, want uint32 }{{0, 0}, {59, 0}, {60, 60}, {250, 240}, {599, 540}, {600, 600}} {
		p, err := replay.NewReplayerAt(rec, rules, tc.seek)
		if err != nil {
			t.Fatal(err)
		}
		if p.Tick() != tc.want {
			t.Errorf("at %d: starts at tick %d, want %d", tc.seek, p.Tick(), tc.want)
		}
		for {
			ok, err := p.Next()
			if err != nil || !ok {
				break
			}
			if s := p.Step(); replay.FoldHash(p.World().Hash()) != s.Hash {
				t.Fatalf("from %d: tick %d differs", tc.want, s.Tick)
			}
		}
		if p.Tick() != 600 {
			t.Errorf("from %d: ended at %d", tc.want, p.Tick())
		}
	}
}

// TestVerifyChecksStates: a state checkpoint that does not restore to the
// re-simulated world fails verification, naming its tick, while every
// tick's hash still matches.
func TestVerifyChecksStates(t *testing.T) {
	rules := arena.New(nil)
	rec := read(t, simulate(t, rules, 600, 60))
	st := &rec.States[3]
	// Another moment's state under this tick: it restores, to another world.
	st.Data = rec.States[2].Data
	rep, err := replay.Verify(rec, rules)
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || rep.Divergence != nil || !strings.Contains(rep.State, "tick 240") {
		t.Fatalf("report %+v", rep)
	}
	// Garbage does not restore.
	rec.States[3].Data = []byte{1, 2, 3}
	if rep, _ := replay.Verify(rec, rules); rep.OK() || !strings.Contains(rep.State, "tick 240") {
		t.Fatalf("garbage: report %+v", rep)
	}
	if _, err := replay.NewReplayerAt(rec, rules, 250); err == nil {
		t.Error("seeking from a garbage state: no error")
	}
}

// statelessRules are the arena's rules with worlds that hide their state
// capture: a game without game.StateSaver.
type statelessRules struct{ game.Rules }

type statelessWorld struct{ game.World }

func (r statelessRules) NewWorld(seed uint64) game.World {
	return statelessWorld{r.Rules.NewWorld(seed)}
}

// TestGameWithoutState: a game whose worlds do not save their state gets
// view checkpoints, verifies against them, and seeks from the start.
func TestGameWithoutState(t *testing.T) {
	rules := statelessRules{arena.New(nil)}
	rec := read(t, simulate(t, rules, 600, 60))
	if len(rec.States) != 0 || len(rec.Checkpoints) != 10 {
		t.Fatalf("%d states, %d checkpoints", len(rec.States), len(rec.Checkpoints))
	}
	rep, err := replay.Verify(rec, rules)
	if err != nil || !rep.OK() || rep.Checkpoints != 10 || rep.States != 0 {
		t.Fatalf("report %+v, %v", rep, err)
	}
	p, err := replay.NewReplayerAt(rec, rules, 500)
	if err != nil || p.Tick() != 0 {
		t.Fatalf("starts at %d, %v", p.Tick(), err)
	}
	// Rules whose worlds cannot restore ignore a recording's states.
	rec2 := read(t, simulate(t, arena.New(nil), 600, 60))
	if p, err := replay.NewReplayerAt(rec2, rules, 500); err != nil || p.Tick() != 0 {
		t.Fatalf("stateless rules on a recording with states: start at %d, %v", p.Tick(), err)
	}
}
