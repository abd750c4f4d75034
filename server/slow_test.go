package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// TestSlowClientIsClosedAndNobodyElseNotices: in a busy match one client
// stops reading. The tick stays on time, the others keep their snapshot
// rate, and the laggard is closed once its acknowledgements are AckTimeout
// behind.
func TestSlowClientIsClosedAndNobodyElseNotices(t *testing.T) {
	if testing.Short() {
		t.Skip("measures snapshot rates: run alone (make test does)")
	}
	const ackTimeout = 1500 * time.Millisecond
	srv, url := startServer(t, &server.Options{AckTimeout: ackTimeout})
	watchers := make([]*watcher, 12)
	for i := range watchers {
		watchers[i] = watch(t, url)
	}

	laggard := dial(t, url)
	handshake(t, laggard, "laggard")
	// It keeps sending inputs but never reads again, so it never
	// acknowledges a snapshot.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		for seq := uint32(1); ctx.Err() == nil; seq++ {
			in := protocol.Input{Seq: seq, MoveY: 100}
			if laggard.Write(ctx, websocket.MessageBinary, in.Append(nil)) != nil {
				return
			}
			time.Sleep(33 * time.Millisecond)
		}
	}()

	start := time.Now()
	counts := make([]int64, len(watchers))
	for i, w := range watchers {
		counts[i] = w.snapshots.Load()
	}
	// Closed within the limit plus the once-a-second check; a client
	// that fell behind keeps its seat for the grace period.
	servertest.WaitFor(t, "the laggard to be closed", func() bool {
		return srv.Matches()[0].Seats.Held == 1
	})
	closedAfter := time.Since(start)
	if closedAfter > ackTimeout+1500*time.Millisecond {
		t.Errorf("laggard closed after %v, want within about %v", closedAfter, ackTimeout)
	}
	time.Sleep(time.Second) // and the others play on
	elapsed := time.Since(start)
	cancel()
	<-sent

	for i, w := range watchers {
		if err, _ := w.err.Load().(error); err != nil {
			t.Fatalf("watcher %d failed: %v", i, err)
		}
		got := float64(w.snapshots.Load() - counts[i])
		if want := elapsed.Seconds() * 30; got < want*0.9 {
			t.Errorf("watcher %d got %.0f snapshots in %v, want about %.0f", i, got, elapsed, want)
		}
	}
	if late := srv.Matches()[0].MaxLateness; late > 20*time.Millisecond {
		t.Errorf("a tick started %v late", late)
	}

	// The laggard finds the reason once it reads again.
	readCtx, readCancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer readCancel()
	for {
		_, _, err := laggard.Read(readCtx)
		if err == nil {
			continue
		}
		var ce websocket.CloseError
		if !asCloseError(err, &ce) || ce.Code != websocket.StatusPolicyViolation {
			t.Fatalf("laggard ended with %v, want 1008", err)
		}
		t.Logf("laggard closed after %v: %d %q", closedAfter, ce.Code, ce.Reason)
		return
	}
}
