package servertest

import (
	"io"
	"log/slog"
	"testing"
	"time"
)

// WaitFor polls cond until it holds, failing the test after 5 seconds.
func WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	WaitForWithin(t, 5*time.Second, what, cond)
}

// WaitForWithin is WaitFor with a deadline of d.
func WaitForWithin(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(time.Millisecond)
	}
}

// Logger discards everything: tests that check behaviour, not logs.
func Logger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
