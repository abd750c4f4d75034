package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"runtime"
	"strings"
	"testing"
	"time"
)

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// checkNoLeaks fails when goroutines started during the test outlive it.
func checkNoLeaks(t *testing.T) {
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(5 * time.Second)
		for runtime.NumGoroutine() > before {
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				t.Errorf("%d goroutines before, %d after:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

func TestRunPlays(t *testing.T) {
	checkNoLeaks(t)
	fs := newFakeServer(t, nil)
	rep, err := Run(t.Context(), &Options{
		URL: fs.url(), Bots: 4, Duration: 1500 * time.Millisecond, Ramp: 100 * time.Millisecond,
		Seed: 7, Logger: quietLogger(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Err(); err != nil {
		t.Fatalf("Err: %v", err)
	}
	if len(rep.Bots) != 4 || rep.Connects != 4 || rep.Disconnects != 0 || rep.ConnectFailures != 0 {
		t.Fatalf("report %+v", rep)
	}
	for _, b := range rep.Bots {
		if b.SnapshotsPerSec < 27 || b.SnapshotsPerSec > 33 {
			t.Errorf("%s: %.1f snapshots/s, want 30 ± 10%%", b.Name, b.SnapshotsPerSec)
		}
		if !b.SawOthersMove || b.OthersSeenMoving != 3 {
			t.Errorf("%s saw %d others move, want 3", b.Name, b.OthersSeenMoving)
		}
		if !b.SawScoreChange {
			t.Errorf("%s saw no score change", b.Name)
		}
		if b.RTTSamples == 0 || b.Inputs < 30 || b.Bytes == 0 {
			t.Errorf("%s: %d RTT samples, %d inputs, %d bytes", b.Name, b.RTTSamples, b.Inputs, b.Bytes)
		}
		if b.Name != "bot-"+string(rune('1'+b.Index)) {
			t.Errorf("bot %d named %q", b.Index, b.Name)
		}
	}
	if rep.RTT.Samples == 0 || rep.RTT.P50 <= 0 || rep.RTT.P99 < rep.RTT.P50 || rep.RTT.Max < rep.RTT.P99 {
		t.Errorf("RTT %+v", rep.RTT)
	}
	if rep.Duration < 1500*time.Millisecond || rep.Duration > 5*time.Second {
		t.Errorf("run took %v", rep.Duration)
	}

	var out bytes.Buffer
	if err := rep.WriteText(&out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var s map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &s); err != nil {
		t.Fatalf("last line is not JSON: %v\n%s", err, out.String())
	}
	for _, k := range []string{"bots", "snapshots_per_s_p50", "bytes_per_s_p99", "rtt_p99_ms", "disconnects", "connect_failures", "matches_finished", "duration_s"} {
		if _, ok := s[k]; !ok {
			t.Errorf("summary lacks %q: %s", k, lines[len(lines)-1])
		}
	}
	if s["bots"] != float64(4) {
		t.Errorf("summary bots = %v", s["bots"])
	}
}

func TestRunRejoinsAfterMatchOver(t *testing.T) {
	checkNoLeaks(t)
	fs := newFakeServer(t, func(fs *fakeServer) { fs.matchTicks = 30 }) // half a second
	rep, err := Run(t.Context(), &Options{URL: fs.url(), Bots: 3, Duration: 1600 * time.Millisecond, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Disconnects != 0 || rep.ConnectFailures != 0 || rep.Err() != nil {
		t.Fatalf("report %+v", rep)
	}
	for _, b := range rep.Bots {
		if b.MatchesFinished < 2 || b.Connects < b.MatchesFinished {
			t.Errorf("%s finished %d matches over %d connections", b.Name, b.MatchesFinished, b.Connects)
		}
	}
}

// TestRunChurns: with Churn, bots leave and drop on their own and come
// back, a dropped bot with its seat's resume token; none of it counts as
// a failure.
func TestRunChurns(t *testing.T) {
	checkNoLeaks(t)
	fs := newFakeServer(t, nil)
	rep, err := Run(t.Context(), &Options{URL: fs.url(), Bots: 4, Duration: 2 * time.Second, Churn: 200 * time.Millisecond, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Disconnects != 0 || rep.ConnectFailures != 0 || rep.Err() != nil {
		t.Fatalf("report %+v", rep)
	}
	left, dropped, resumed := 0, 0, 0
	for _, b := range rep.Bots {
		left += b.Left
		dropped += b.Dropped
		resumed += b.Resumed
		if b.Left+b.Dropped < 2 || b.Connects < b.Left+b.Dropped {
			t.Errorf("%s left %d and dropped %d times over %d connections", b.Name, b.Left, b.Dropped, b.Connects)
		}
	}
	fs.mu.Lock()
	resumes := fs.resumes
	fs.mu.Unlock()
	if left == 0 || dropped == 0 || resumed == 0 || resumes < resumed {
		t.Fatalf("left %d, dropped %d, resumed %d; the server saw %d resume tokens", left, dropped, resumed, resumes)
	}
}

func TestRunCountsFailuresAndDisconnects(t *testing.T) {
	checkNoLeaks(t)
	fs := newFakeServer(t, func(fs *fakeServer) { fs.refuse = 2 })
	go func() {
		time.Sleep(800 * time.Millisecond)
		fs.kick(1) // refused players get no ID
	}()
	rep, err := Run(t.Context(), &Options{URL: fs.url(), Bots: 1, Duration: 2 * time.Second, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	b := rep.Bots[0]
	if b.ConnectFailures != 2 || rep.ConnectFailures != 2 {
		t.Errorf("%d connect failures, want 2", b.ConnectFailures)
	}
	if b.Disconnects != 1 || b.Connects != 2 {
		t.Errorf("%d disconnects over %d connections, want 1 over 2", b.Disconnects, b.Connects)
	}
	if !strings.Contains(b.LastError, "kicked") {
		t.Errorf("last error %q", b.LastError)
	}
	if b.Snapshots == 0 {
		t.Error("no snapshots")
	}
	if err := rep.Err(); err == nil || !strings.Contains(err.Error(), "2 failed connection attempts") {
		t.Errorf("Err: %v", err)
	}
}

func TestRunUnreachable(t *testing.T) {
	checkNoLeaks(t)
	fs := newFakeServer(t, nil)
	url := fs.url()
	fs.srv.Close()
	rep, err := Run(t.Context(), &Options{URL: url, Bots: 2, Duration: 300 * time.Millisecond, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	if rep.ConnectFailures < 2 || rep.BotsWithoutSnapshots != 2 || rep.Err() == nil {
		t.Fatalf("report %+v, Err %v", rep, rep.Err())
	}
}

func TestRunStopsWithContext(t *testing.T) {
	checkNoLeaks(t)
	fs := newFakeServer(t, nil)
	ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	rep, err := Run(ctx, &Options{URL: fs.url(), Bots: 2, Logger: quietLogger()}) // no Duration
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("Run returned %v after its context ended", d)
	}
	if rep.Connects != 2 || rep.Disconnects != 0 || rep.Err() != nil {
		t.Fatalf("report %+v", rep)
	}
}

func TestOptions(t *testing.T) {
	for _, o := range []*Options{nil, {}, {URL: "ftp://x"}, {URL: "ws://x", Bots: -1}, {URL: "://"}} {
		if _, err := Run(t.Context(), o); err == nil {
			t.Errorf("Run accepted %+v", o)
		}
	}
	if n := botName(strings.Repeat("é", 40), 1233); len(n) > 32 || !strings.HasSuffix(n, "-1234") {
		t.Errorf("botName gave %q (%d bytes)", n, len(n))
	}
	if n := botName("bot", 0); n != "bot-1" {
		t.Errorf("botName gave %q", n)
	}
}
