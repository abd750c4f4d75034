package replay_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/replay"
)

// samplesOf makes the prediction log of a client that predicted player id
// perfectly: the re-simulated entity every other tick.
func samplesOf(t *testing.T, rec *replay.Recording, rules game.Rules, id uint32) []replay.PredictionSample {
	t.Helper()
	p, err := replay.NewReplayer(rec, rules)
	if err != nil {
		t.Fatal(err)
	}
	var out []replay.PredictionSample
	var view []game.Entity
	for {
		ok, err := p.Next()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return out
		}
		tick := p.Step().Tick
		if tick%2 != 0 {
			continue
		}
		view = p.World().AppendView(view[:0])
		for _, e := range view {
			if e.ID == id {
				in, _ := p.Input(game.PlayerID(id))
				f := append([]int32(nil), e.Fields[:6]...)
				out = append(out, replay.PredictionSample{Tick: tick, Seq: in.Seq, Player: id, Predicted: f, Server: append([]int32(nil), f...)})
			}
		}
	}
}

func TestCheckPrediction(t *testing.T) {
	rules := arena.New(nil)
	rec := read(t, simulate(t, rules, 400, 60))
	samples := samplesOf(t, rec, rules, 4)
	// Through the log's own format.
	var buf bytes.Buffer
	if err := replay.WritePredictionLog(&buf, samples); err != nil {
		t.Fatal(err)
	}
	back, err := replay.ReadPredictionLog(&buf)
	if err != nil || len(back) != len(samples) {
		t.Fatalf("read back %d of %d: %v", len(back), len(samples), err)
	}
	rep, err := replay.CheckPrediction(rec, rules, back)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Checked != len(samples) || rep.First != nil || rep.FirstServer != nil {
		t.Fatalf("a perfect log: %+v", rep)
	}
	// The client mispredicted y at tick 250, and from 300 on.
	for i := range back {
		if back[i].Tick == 250 || back[i].Tick >= 300 {
			back[i].Predicted[arena.PlayerY] += 3
		}
	}
	rep, err = replay.CheckPrediction(rec, rules, back)
	if err != nil {
		t.Fatal(err)
	}
	if rep.First == nil || rep.First.Tick != 250 || rep.Mismatches != 1+(400-300)/2+1 || rep.FirstServer != nil {
		t.Fatalf("report %+v first %v", rep, rep.First)
	}
	if f := rep.First.Fields; len(f) != 1 || f[0].Field != "y" || f[0].Entity != 4 || f[0].Got != f[0].Recorded+3 {
		t.Fatalf("fields %v", f)
	}
	if !strings.Contains(rep.First.String(), "player 4 field y") {
		t.Errorf("%s", rep.First)
	}
}

func TestReadPredictionLogBad(t *testing.T) {
	for _, in := range []string{
		"not json\n",
		`{"tick":1,"extra":2}` + "\n",
		`{"tick":1,"predicted":[1,2,3,4,5,6,7,8,9]}` + "\n",
	} {
		if _, err := replay.ReadPredictionLog(strings.NewReader(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

func FuzzReadPredictionLog(f *testing.F) {
	f.Add([]byte(`{"tick":2,"seq":1,"player":3,"predicted":[1,2],"server":[1,2]}` + "\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		replay.ReadPredictionLog(bytes.NewReader(b)) // an error or samples, never a panic
	})
}
