//go:build linux

package ws

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"golang.org/x/sys/unix"

	"github.com/skirmishgg/skirmish/server/netlimit"
)

// TestFailedRegistrationIsDroppedByTheLoop: a socket that epoll refuses
// (here a regular file stands in for it: EPERM) is dropped by the loop
// like any other connection: the session ends, the connection gauge comes
// back to zero and the handler's count of connections balances, so Close
// returns. (A match is out of reach here, servertest imports this
// package; the session is one that holds no seat.)
func TestFailedRegistrationIsDroppedByTheLoop(t *testing.T) {
	reg := prometheus.NewRegistry()
	h := New(nil, &Options{EventLoops: 1, Registry: reg, Logger: slog.New(slog.DiscardHandler)})

	out, _ := upgradedConn(t, h)

	s := newSession(h)
	s.out = out
	ctl := &controlBudget{budget: netlimit.NewReadBudget(h.opts.ControlLimits, h.opts.Clock.Now()), clock: h.opts.Clock, s: s}
	s.rd = newConnReader(s.out.nc, nil, ctl)

	l, err := h.pickLoop()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.CreateTemp(t.TempDir(), "not-a-socket")
	if err != nil {
		t.Fatal(err)
	}
	fd, err := unix.Dup(int(f.Fd()))
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	h.wg.Add(1) // the connection's, as Handler.run holds it
	if !h.adopt(l, s, fd) {
		t.Fatal("the session was refused: it had not ended")
	}
	h.wg.Done() // run returns once the loop has it

	waitFor(t, "the loop to drop the connection", s.ended)
	waitFor(t, "the connection gauge back to 0", func() bool {
		var m dto.Metric
		h.metrics.looped.Write(&m)
		return m.GetGauge().GetValue() == 0
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := h.Close(ctx); err != nil {
		t.Fatalf("Close: %v: the hand-over's count did not balance", err)
	}
}

// waitFor polls cond for up to 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}
