package record

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/replay"
	"github.com/skirmishgg/skirmish/server/clock"
)

// TestWriterBehind fills the queue of a recorder whose writer has not
// started, as when the disk stalls: the tick never waits, the recording is
// marked incomplete from the first tick that did not fit, and counted.
func TestWriterBehind(t *testing.T) {
	dir := t.TempDir()
	reg := prometheus.NewRegistry()
	rs, err := New(Options{Dir: dir, Queue: 4, Batch: 1, Registerer: reg})
	if err != nil {
		t.Fatal(err)
	}
	rules := arena.New(nil)
	var stalled *recorder
	var start func()
	rs.startWriter = func(r *recorder, run func()) { stalled, start = r, run }
	rec := rs.Open("slow", "", rules, 9).(*recorder)
	if rec != stalled {
		t.Fatal("the writer was not held")
	}
	w := rules.NewWorld(9)
	w.AddPlayer(1)
	rec.Join(1, "p")
	for tick := uint32(1); tick <= 10; tick++ {
		in := []game.PlayerInput{{Player: 1, Input: game.Input{Seq: tick, MoveX: 50}}}
		w.Step(tick, in)
		rec.Step(tick, in, w) // would block forever if it waited
	}
	if rec.lostFrom != 5 {
		t.Fatalf("lost from %d, want 5 (4 queued)", rec.lostFrom)
	}
	if got := counter(t, reg, "skirmish_recordings_incomplete_total"); got != 1 {
		t.Errorf("incomplete counter %v", got)
	}
	rec.Close(10)
	start()
	rs.Wait()
	files, _ := filepath.Glob(filepath.Join(dir, "*"+Ext))
	f, err := os.Open(files[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := replay.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	if got.Complete() || got.LostFrom != 5 || len(got.Steps) != 4 {
		t.Fatalf("complete %v, lost from %d, %d steps", got.Complete(), got.LostFrom, len(got.Steps))
	}
	if rep, err := replay.Verify(got, rules); err != nil || !rep.OK() || rep.Ticks != 4 {
		t.Fatalf("verify %+v %v", rep, err)
	}
}

// counter reads a counter off reg (servertest.Metric would import this
// package through the server).
func counter(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() == name {
			return f.GetMetric()[0].GetCounter().GetValue()
		}
	}
	t.Fatalf("no metric %s", name)
	return 0
}

// TestFileNotCreated: a recording whose file cannot be created (here: it
// exists) is counted as failed, and its match steps on unhindered.
func TestFileNotCreated(t *testing.T) {
	reg := prometheus.NewRegistry()
	fake := clock.NewFake()
	rs, err := New(Options{Dir: t.TempDir(), Registerer: reg, Clock: fake, Queue: 2, Batch: 1})
	if err != nil {
		t.Fatal(err)
	}
	rules := arena.New(nil)
	first := rs.Open("same", "", rules, 1)
	second := rs.Open("same", "", rules, 1) // same name, same instant
	w := rules.NewWorld(1)
	for tick := uint32(1); tick <= 50; tick++ {
		w.Step(tick, nil)
		first.Step(tick, nil, w)
		second.Step(tick, nil, w)
	}
	first.Close(50)
	second.Close(50)
	rs.Wait()
	if got := counter(t, reg, "skirmish_recordings_failed_total"); got != 1 {
		t.Errorf("failed %v, want 1", got)
	}
}
