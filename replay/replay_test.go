package replay_test

import (
	"bytes"
	"compress/flate"
	"strings"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/replay"
)

// simulate plays an arena match as the server's loop would (joins before
// steps, each player's latest input applied every step, a player dropping
// and coming back, one leaving) and records it with the Encoder; it
// returns the file's bytes.
func simulate(t testing.TB, rules game.Rules, ticks int, checkpointEvery uint32) []byte {
	t.Helper()
	h := replay.NewHeader("m1", "ffa", rules, 42, time.UnixMilli(1_700_000_000_000), checkpointEvery)
	var frames []byte
	enc, frames := replay.NewEncoder(frames, h)
	w := rules.NewWorld(42)
	type pl struct {
		id      game.PlayerID
		in      game.Input
		dropped bool
	}
	var players []*pl
	rng := uint64(7)
	next := func() uint64 { rng = rng*6364136223846793005 + 1442695040888963407; return rng >> 33 }
	var inputs []game.PlayerInput
	for tick := uint32(1); tick <= uint32(ticks); tick++ {
		if tick <= 6 { // six players join over the first ticks
			id := game.PlayerID(tick)
			if err := w.AddPlayer(id); err != nil {
				t.Fatal(err)
			}
			frames = enc.Join(frames, id, "bot")
			players = append(players, &pl{id: id})
		}
		if tick == 100 { // player 2 drops: it stays, with no input
			players[1].dropped = true
		}
		if tick == 160 {
			players[1].dropped = false
		}
		if tick == 200 { // player 3 leaves for good
			w.RemovePlayer(3)
			frames = enc.Leave(frames, 3)
			players = append(players[:2], players[3:]...)
		}
		inputs = inputs[:0]
		for _, p := range players {
			if p.dropped {
				continue
			}
			if tick%2 == 0 { // a new input every other tick, as at 30 Hz
				r := next()
				p.in = game.Input{Seq: p.in.Seq + 1, MoveX: int8(r), MoveY: int8(r >> 8), Aim: p.in.Aim + uint16(r>>16)%512, Buttons: uint8(r>>24) & game.ButtonFire, Rewind: uint16(r>>20) % 16}
			}
			inputs = append(inputs, game.PlayerInput{Player: p.id, Input: p.in})
		}
		w.Step(tick, inputs)
		frames = enc.Step(frames, tick, inputs, w)
	}
	frames = replay.AppendEnd(frames, uint32(ticks), w.Outcome())
	var file bytes.Buffer
	file.WriteString(replay.Magic)
	fw, _ := flate.NewWriter(&file, flate.DefaultCompression)
	fw.Write(frames)
	fw.Close()
	return file.Bytes()
}

func read(t testing.TB, b []byte) *replay.Recording {
	t.Helper()
	rec, err := replay.Read(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func TestVerifyMatches(t *testing.T) {
	rules := arena.New(nil)
	rec := read(t, simulate(t, rules, 600, 60))
	// The arena saves its state: its checkpoints are states, not views.
	if len(rec.Steps) != 600 || len(rec.States) != 10 || len(rec.Checkpoints) != 0 || !rec.Complete() {
		t.Fatalf("%d steps, %d states, %d checkpoints, complete %v", len(rec.Steps), len(rec.States), len(rec.Checkpoints), rec.Complete())
	}
	rep, err := replay.Verify(rec, rules)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Ticks != 600 || rep.Checkpoints != 10 || rep.States != 10 {
		t.Fatalf("report %+v, divergence %v", rep, rep.Divergence)
	}
	if s := replay.Summary(rec); !strings.Contains(s, "players   6:") || !strings.Contains(s, "complete  yes") {
		t.Errorf("summary:\n%s", s)
	}
}

func TestVerifyOtherRules(t *testing.T) {
	rec := read(t, simulate(t, arena.New(nil), 10, 0))
	if _, err := replay.Verify(rec, arena.New(&arena.Config{MaxPlayers: 2})); err == nil || !strings.Contains(err.Error(), "fingerprint") {
		t.Fatalf("err %v", err)
	}
}

// TestDesyncFinder corrupts one recorded input and checks that the finder
// names its tick, the player's entity first, and the field the
// corruption moves.
func TestDesyncFinder(t *testing.T) {
	rules := arena.New(nil)
	file := simulate(t, rules, 600, 60)
	for _, tc := range []struct {
		name    string
		tick    uint32
		corrupt func(*game.Input)
		field   []string // any of these names the corruption
	}{
		{"move", 250, func(in *game.Input) { in.MoveX = -in.MoveX/2 - 1; in.MoveY = 0 }, []string{"x", "y"}},
		{"aim at a checkpoint tick", 360, func(in *game.Input) { in.Aim += 1 << 15 }, []string{"aim"}},
		{"seq only", 400, func(in *game.Input) { in.Seq += 1000 }, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := read(t, file)
			s := &rec.Steps[tc.tick-1]
			if len(s.Inputs) == 0 {
				t.Fatalf("no input recorded at tick %d", tc.tick)
			}
			victim := s.Inputs[0].Player
			tc.corrupt(&s.Inputs[0].Input)
			rep, err := replay.Verify(rec, rules)
			if err != nil {
				t.Fatal(err)
			}
			d := rep.Divergence
			if d == nil {
				t.Fatal("no divergence found")
			}
			if d.Tick != tc.tick || rep.Ticks != int(tc.tick) {
				t.Fatalf("divergence at tick %d after %d ticks, want %d:\n%v", d.Tick, rep.Ticks, tc.tick, d)
			}
			if d.At < tc.tick || d.At >= tc.tick+60 {
				t.Errorf("compared at checkpoint tick %d", d.At)
			}
			if tc.field == nil {
				for _, f := range d.Fields {
					if f.Entity == uint32(victim) {
						t.Errorf("a seq-only corruption changed a view field: %v", f)
					}
				}
				return
			}
			if len(d.Fields) == 0 {
				t.Fatalf("no field named:\n%v", d)
			}
			f := d.Fields[0]
			if f.Entity != uint32(victim) || f.Kind != "player" || !contains(tc.field, f.Field) {
				t.Fatalf("first field %v, want player %d field %v:\n%v", f, victim, tc.field, d)
			}
			if !strings.Contains(d.String(), "first divergent tick") {
				t.Errorf("report:\n%v", d)
			}
		})
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func TestReadBadFiles(t *testing.T) {
	good := simulate(t, arena.New(nil), 120, 60)
	for _, tc := range []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"bad magic", []byte("SKREC\x00\x02\nxxxx")},
		{"magic only", []byte(replay.Magic)},
		{"not deflate", append([]byte(replay.Magic), 0xff, 0xff, 0xff, 0xff)},
	} {
		if _, err := replay.Read(bytes.NewReader(tc.b)); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	// A file cut short (the server crashed) reads as what it holds.
	rec, err := replay.Read(bytes.NewReader(good[:len(good)*2/3]))
	if err != nil {
		t.Fatalf("cut short: %v", err)
	}
	if !rec.Truncated || rec.Complete() || len(rec.Steps) >= 120 {
		t.Errorf("cut short: truncated %v, %d steps", rec.Truncated, len(rec.Steps))
	}
}

func FuzzRead(f *testing.F) {
	f.Add(simulate(f, arena.New(nil), 30, 10))
	f.Add([]byte(replay.Magic))
	f.Fuzz(func(t *testing.T, b []byte) {
		rec, err := replay.Read(bytes.NewReader(b))
		if err != nil {
			return
		}
		replay.Summary(rec) // never panics on what Read accepted
	})
}
