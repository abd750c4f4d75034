package main

import (
	"context"
	"io"
	"log/slog"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/client/bot"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/servertest"
	"github.com/skirmishgg/skirmish/server/setup"
)

// TestBotsPlayTwoFullMatches runs the real server on loopback and 32 bots
// through client/clientnet: they fill two 16-player matches, and every bot must
// get snapshots at the configured rate, see the others move and see scores
// change; afterwards the server closes cleanly and no goroutine is left.
func TestBotsPlayTwoFullMatches(t *testing.T) {
	if testing.Short() {
		t.Skip("plays for several seconds")
	}
	const (
		bots         = 32
		snapshotRate = 30
		duration     = 6 * time.Second
	)
	baseline := runtime.NumGoroutine()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	// A lower hp makes kills, hence score changes, likely within seconds;
	// everything else is the default arena.
	rules := arena.New(&arena.Config{MaxHP: 30})
	st := servertest.StartStack(t, setup.Options{Direct: rules, Server: server.Options{SnapshotRate: snapshotRate, Seed: 7}})
	srv, url := st.Server, st.URL

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	report, err := bot.Run(ctx, &bot.Options{
		URL:      url,
		Bots:     bots,
		Duration: duration,
		Ramp:     time.Second,
		Seed:     1,
		Logger:   quiet,
	})
	if err != nil {
		t.Fatalf("bots: %v", err)
	}

	matches := srv.Matches()
	if len(matches) != 2 {
		t.Errorf("%d matches running, want 2", len(matches))
	}
	for _, m := range matches {
		// A stall long enough to drop ticks shows in the bots' snapshot
		// rates checked below; here it is only reported.
		t.Logf("match %s: %d ticks, %d dropped, %d overruns, max step %v, max lateness %v",
			m.ID, m.Ticks, m.Dropped, m.Overruns, m.MaxStep, m.MaxLateness)
	}
	scoreChanged := 0
	for _, b := range report.Bots {
		if b.ConnectFailures != 0 || b.Disconnects != 0 {
			t.Errorf("bot %d: %d connect failures, %d disconnects (%s)", b.Index, b.ConnectFailures, b.Disconnects, b.LastError)
		}
		if b.SnapshotsPerSec < snapshotRate*0.9 || b.SnapshotsPerSec > snapshotRate*1.1 {
			t.Errorf("bot %d: %.1f snapshots/s, want %d ±10%%", b.Index, b.SnapshotsPerSec, snapshotRate)
		}
		if !b.SawOthersMove {
			t.Errorf("bot %d never saw another player move", b.Index)
		}
		if b.SawScoreChange {
			scoreChanged++
		}
	}
	if len(report.Bots) != bots {
		t.Fatalf("report has %d bots, want %d", len(report.Bots), bots)
	}
	if scoreChanged != bots {
		t.Errorf("%d of %d bots saw a score change", scoreChanged, bots)
	}
	if report.RTT.Samples == 0 {
		t.Error("no input→ack round trip was measured")
	}
	var summary strings.Builder
	report.WriteText(&summary)
	t.Logf("bots report:\n%s", summary.String())

	st.Stop() // fails the test if the server does not close in time
	expectGoroutines(t, baseline)
}

// expectGoroutines waits for the goroutine count to fall back to baseline
// and fails with every stack when it does not.
func expectGoroutines(t *testing.T, baseline int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > baseline {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines left, %d before the test:\n%s",
				runtime.NumGoroutine(), baseline, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(50 * time.Millisecond)
	}
}
