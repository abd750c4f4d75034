package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/client/bot"
	"github.com/skirmishgg/skirmish/client/clientnet"
	"github.com/skirmishgg/skirmish/client/replayview"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/replay"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/servertest"
	"github.com/skirmishgg/skirmish/server/setup"
)

// TestRecordedBotsMatchVerifies records a bots match on a real server on
// loopback (-record), with a bot leaving and joining midway, and runs
// `skirmish replay` and `skirmish replay -verify` on the file: every hash
// matches, lag compensated shots included.
func TestRecordedBotsMatchVerifies(t *testing.T) {
	dir := t.TempDir()
	// The arena as `serve -matchmaking=false` plays it, which replay
	// finds by the recording's seat count.
	rules := arena.New(nil)
	st := servertest.StartStack(t, setup.Options{Direct: rules, Server: server.Options{RecordDir: dir}})
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	quiet := servertest.Logger()
	done := make(chan error, 1)
	go func() {
		_, err := bot.Run(ctx, &bot.Options{URL: st.URL, Bots: 5, Duration: 2 * time.Second, Seed: 1, Logger: quiet})
		done <- err
	}()
	// Churn: one more bot plays a shorter while in the middle.
	time.Sleep(500 * time.Millisecond)
	if _, err := bot.Run(ctx, &bot.Options{URL: st.URL, Bots: 1, Duration: time.Second, Seed: 9, Name: "late", Logger: quiet}); err != nil {
		t.Fatalf("late bot: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("bots: %v", err)
	}
	st.Stop() // the match stops; its recording is closed before Close returns

	files, _ := filepath.Glob(filepath.Join(dir, "*.skrec"))
	if len(files) != 1 {
		t.Fatalf("recordings: %v", files)
	}
	// The bots' inputs name their snapshots: their shots are lag
	// compensated, and the rewinds are in the recording.
	rec, err := readRecording(files[0])
	if err != nil {
		t.Fatal(err)
	}
	rewound := 0
	for _, s := range rec.Steps {
		for _, in := range s.Inputs {
			if in.Input.Rewind > 0 {
				rewound++
			}
		}
	}
	if rewound == 0 {
		t.Error("no recorded input has a lag compensation rewind")
	}
	var stdout, stderr bytes.Buffer
	if code := runReplay([]string{files[0]}, &stdout, &stderr); code != 0 {
		t.Fatalf("replay: exit %d: %s", code, stderr.String())
	}
	if s := stdout.String(); !strings.Contains(s, "players   6:") || !strings.Contains(s, `"late-1"`) || !strings.Contains(s, "complete  yes") {
		t.Errorf("summary:\n%s", s)
	}
	stdout.Reset()
	if code := runReplay([]string{"-verify", files[0]}, &stdout, &stderr); code != 0 {
		t.Fatalf("replay -verify: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "verified") {
		t.Errorf("stdout: %s", stdout.String())
	}
	t.Logf("%s", stdout.String())

	// The clients' replay viewer plays the server's file: a seek to the
	// end and back lands on the recorded hashes, and names the late bot.
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	p, err := replayview.Open(data, recordedRules)
	if err != nil {
		t.Fatalf("the viewer refused the server's recording: %v", err)
	}
	late := false
	for _, tick := range []uint32{p.Ticks(), p.Ticks() / 2, 1, p.Ticks() / 3} {
		if err := p.Seek(tick); err != nil {
			t.Fatal(err)
		}
		if h := p.Hash(); replay.FoldHash(h) != rec.Steps[tick-1].Hash {
			t.Fatalf("the viewer's world at tick %d is not the recorded one", tick)
		}
		for _, id := range p.Players() {
			late = late || p.Name(id) == "late-1"
		}
	}
	if !late {
		t.Error("the viewer never showed the late bot by name")
	}
}

func TestReplayBadInput(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.skrec")
	os.WriteFile(garbage, []byte("not a recording"), 0o644)
	for _, tc := range []struct {
		args []string
		code int
		says string
	}{
		{nil, 2, "usage"},
		{[]string{"a", "b"}, 2, "usage"},
		{[]string{"-against", "x"}, 2, "-against goes with -prediction"},
		{[]string{"-prediction", "x"}, 2, "-prediction takes -against"},
		{[]string{filepath.Join(dir, "missing.skrec")}, 1, "no such file"},
		{[]string{"-verify", garbage}, 1, "not a Skirmish recording"},
	} {
		var stdout, stderr bytes.Buffer
		if code := runReplay(tc.args, &stdout, &stderr); code != tc.code || !strings.Contains(stderr.String(), tc.says) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr.String(), tc.code, tc.says)
		}
	}
}

// TestPredictionLogAgainstRecording plays a predicting client on a real
// server that records, with its prediction log on, and checks the log
// against the recording: every sample falls on a recorded tick, and what
// the client's snapshots said of its player is what the re-simulation
// gives (so a disagreement the tool reports is the prediction's own).
func TestPredictionLogAgainstRecording(t *testing.T) {
	dir := t.TempDir()
	st := servertest.StartStack(t, setup.Options{Direct: arena.New(nil), Server: server.Options{RecordDir: dir}})
	logPath := filepath.Join(dir, "prediction.log")
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	c := clientnet.Open(ctx, st.URL, &clientnet.ClientOptions{
		Dial:          clientnet.DialOptions{Name: "predictor", Identity: servertest.Guest(t, st.URL)},
		Game:          arena.New(nil),
		PredictionLog: logPath,
	})
	frame := time.NewTicker(time.Second / 60)
	defer frame.Stop()
	for i := 0; i < 120; i++ {
		<-frame.C
		// Zigzag, so the prediction has turns to get right.
		mx := int8(127)
		if i/20%2 == 1 {
			mx = -127
		}
		c.SendInput(ctx, protocol.Input{MoveX: mx, MoveY: 60, Aim: uint16(i * 500)})
		c.Self(time.Now())
	}
	c.Close()
	if err := c.PredictionLogErr(); err != nil {
		t.Fatal(err)
	}
	st.Stop()
	files, _ := filepath.Glob(filepath.Join(dir, "*.skrec"))
	if len(files) != 1 {
		t.Fatalf("recordings: %v", files)
	}
	var stdout, stderr bytes.Buffer
	code := runReplay([]string{"-prediction", logPath, "-against", files[0]}, &stdout, &stderr)
	t.Logf("exit %d:\n%s%s", code, stdout.String(), stderr.String())
	if code != 0 && code != 1 || !strings.Contains(stdout.String(), "samples checked") {
		t.Fatalf("exit %d", code)
	}
	if strings.Contains(stdout.String(), "snapshots differ") {
		t.Error("the client's snapshots differ from the recording")
	}
	var checked, total int
	fmt.Sscanf(stdout.String(), "%d of %d samples checked", &checked, &total)
	if checked < 20 || checked != total {
		t.Errorf("%d of %d samples checked", checked, total)
	}
}

func TestMaxRewindFlag(t *testing.T) {
	for _, cmd := range [][]string{{"serve"}, {"host", "-token-pubkey", "x"}} {
		for _, v := range []string{"-1ms", "2s"} {
			var stderr bytes.Buffer
			args := append(cmd, "-max-rewind", v)
			if code := run(setup.StopWith(context.Background()), args, io.Discard, &stderr); code != 2 || !strings.Contains(stderr.String(), "-max-rewind must be in 0..1s") {
				t.Errorf("%s -max-rewind %s: exit %d, %q", cmd, v, code, stderr.String())
			}
		}
	}
}

func TestServeReplaysNeedsRecord(t *testing.T) {
	for _, cmd := range [][]string{{"serve"}, {"host", "-token-pubkey", "x"}} {
		var stderr bytes.Buffer
		args := append(cmd, "-serve-replays")
		if code := run(setup.StopWith(context.Background()), args, io.Discard, &stderr); code != 2 || !strings.Contains(stderr.String(), "-serve-replays serves the recordings of -record DIR") {
			t.Errorf("%s -serve-replays: exit %d, %q", cmd, code, stderr.String())
		}
	}
}
