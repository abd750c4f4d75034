package record_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/replay"
	"github.com/skirmishgg/skirmish/server/match"
	"github.com/skirmishgg/skirmish/server/record"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// TestRecordedMatchReplays records a match run by the real loop (joins,
// inputs, a drop and a resume, a leave, an early end) and re-simulates it:
// every hash and checkpoint matches.
func TestRecordedMatchReplays(t *testing.T) {
	dir := t.TempDir()
	reg := prometheus.NewRegistry()
	// A state a second: the match is shorter than the default's 10 s.
	rs, err := record.New(record.Options{Dir: dir, Registerer: reg, CheckpointEvery: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	rules := arena.New(&arena.Config{ScoreLimit: 1 << 20})
	m := servertest.StartMatch(t, rules, &match.Options{Recorder: rs.Open("test", "ffa", rules, 1), SnapshotRate: 20})
	var players []*match.Player
	for i, name := range []string{"ann", "bob", "cy", "di"} {
		p, _ := m.Join(string(rune('a'+i)), name)
		players = append(players, p)
	}
	seq := uint32(0)
	push := func(n int) {
		for range n {
			seq++
			for i, p := range players {
				if p != nil {
					p.Push(game.Input{Seq: seq, MoveX: int8(40 * (i - 1)), MoveY: int8(seq % 100), Aim: uint16(seq * 300 * uint32(i+1)), Buttons: uint8(seq+uint32(i)) & game.ButtonFire})
				}
			}
			m.Advance(1)
		}
	}
	push(60)
	m.Leave(players[1], true) // bob drops: his seat is held, he stands still
	dropped := players[1]
	players[1] = nil
	push(30)
	p, _, err := m.TryJoin(match.JoinRequest{Key: "b", Name: "bob", ResumeToken: "b"})
	if err != nil || p.ID() != dropped.ID() {
		t.Fatalf("resume: %v", err)
	}
	players[1] = p
	push(30)
	m.Leave(players[2], false) // cy leaves for good
	players[2] = nil
	push(60)
	m.End("test_over", protocol.CloseNormal, "over")
	<-m.Done()
	rs.Wait()

	files, _ := filepath.Glob(filepath.Join(dir, "*"+record.Ext))
	if len(files) != 1 || !strings.HasPrefix(filepath.Base(files[0]), "test-") {
		t.Fatalf("files %v", files)
	}
	f, err := os.Open(files[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rec, err := replay.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	if !rec.Complete() || rec.End == nil || rec.End.Outcome.Reason != "test_over" || len(rec.Steps) < 180 {
		t.Fatalf("complete %v, end %+v, %d steps", rec.Complete(), rec.End, len(rec.Steps))
	}
	rep, err := replay.Verify(rec, rules)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Ticks != len(rec.Steps) || rep.States < 3 || rep.States != len(rec.States) {
		t.Fatalf("report %+v: %v %s", rep, rep.Divergence, rep.Outcome)
	}
	if got := servertest.Metric(t, reg, "skirmish_recordings_started_total"); got != 1 {
		t.Errorf("started %v", got)
	}
	if got := servertest.Metric(t, reg, "skirmish_recordings_incomplete_total"); got != 0 {
		t.Errorf("incomplete %v", got)
	}
}

func TestNewBadDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	if _, err := record.New(record.Options{Dir: filepath.Join(file, "sub")}); err == nil {
		t.Error("a directory under a file: no error")
	}
	if _, err := record.New(record.Options{}); err == nil {
		t.Error("no directory: no error")
	}
}
