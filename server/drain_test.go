package server_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/registry"
	"github.com/skirmishgg/skirmish/server/servertest"
	"github.com/skirmishgg/skirmish/server/setup"
)

// drainStack runs a host whose matches last ticks steps and whose results
// go to the returned channel.
func drainStack(t *testing.T, ticks int32) (*servertest.Stack, chan registry.MatchResult) {
	t.Helper()
	results := make(chan registry.MatchResult, 4)
	st := servertest.StartStack(t, setup.Options{
		Direct: arena.New(&arena.Config{TimeLimit: ticks}),
		Server: server.Options{OnResult: func(r registry.MatchResult) { results <- r }},
	})
	return st, results
}

func readyz(t *testing.T, st *servertest.Stack) (int, string) {
	t.Helper()
	resp, err := http.Get(st.HTTP + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

// A draining host takes no new player and answers 503 on /readyz, while
// its running match plays to its end; then it is stopped.
func TestDrainLetsRunningMatchesFinish(t *testing.T) {
	st, results := drainStack(t, 150) // 2.5 s
	if code, body := readyz(t, st); code != http.StatusOK || body != "ready" {
		t.Fatalf("/readyz before any match: %d %q, want 200 ready", code, body)
	}
	c := dial(t, st.URL)
	handshake(t, c, "stays")
	if code, body := readyz(t, st); code != http.StatusOK || body != "allocated" {
		t.Fatalf("/readyz with a match: %d %q, want 200 allocated", code, body)
	}
	drained := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		drained <- st.Server.Drain(ctx)
	}()
	servertest.WaitFor(t, "the host to drain", func() bool { return st.Server.State() == registry.Draining })
	if code, body := readyz(t, st); code != http.StatusServiceUnavailable || body != "draining" {
		t.Fatalf("/readyz while draining: %d %q, want 503 draining", code, body)
	}
	late := dial(t, st.URL)
	writeMsg(t, late, &protocol.Hello{Version: protocol.Version, Name: "late", Identity: identityOf(late)})
	expectClose(t, late, protocol.CloseGoingAway, "draining")

	readSnapshot(t, c) // still playing
	var end protocol.MatchEnd
	if err := end.Decode(readTypeWithin(t, c, protocol.MsgMatchEnd, 10*time.Second)); err != nil || end.Reason != "time_limit" {
		t.Fatalf("match end %+v (%v), want the time limit", end, err)
	}
	expectClose(t, c, websocket.StatusNormalClosure, "match over")
	if err := <-drained; err != nil {
		t.Fatalf("drain: %v, want every match over on its own", err)
	}
	if s := st.Server.State(); s != registry.Stopped {
		t.Fatalf("state after the drain: %s, want stopped", s)
	}
	if r := <-results; r.Reason != "time_limit" || len(r.Standings) != 1 || r.Standings[0].Name != "stays" {
		t.Fatalf("result %+v, want the time limit with the player's line", r)
	}
}

// A match its players have left ends as soon as the host drains, instead
// of staying open 10 s for newcomers a draining host no longer places:
// the drain is over well before its deadline, with nothing ended early.
func TestDrainEndsAnEmptyMatchAtOnce(t *testing.T) {
	st, _ := drainStack(t, 1<<20)
	c := dial(t, st.URL)
	handshake(t, c, "leaves")
	c.Close(websocket.StatusNormalClosure, "bye") // a leave: no seat held
	servertest.WaitFor(t, "the seat to be freed", func() bool {
		ms := st.Server.Matches()
		return len(ms) == 1 && ms[0].Seats.Taken() == 0
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := st.Server.Drain(ctx); err != nil {
		t.Fatalf("drain: %v, want the empty match over before the deadline", err)
	}
	if s := st.Server.State(); s != registry.Stopped {
		t.Fatalf("state after the drain: %s, want stopped", s)
	}
}

// At the drain deadline a match still running is ended as it stands: its
// players get a MatchEnd with the standings and a 1001 that says why, and
// its result is kept.
func TestDrainDeadlineEndsMatchesWithTheirResults(t *testing.T) {
	st, results := drainStack(t, 1<<20)
	c := dial(t, st.URL)
	handshake(t, c, "cut-short")
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := st.Server.Drain(ctx); err == nil {
		t.Fatal("drain past its deadline reported no error")
	}
	var end protocol.MatchEnd
	if err := end.Decode(readType(t, c, protocol.MsgMatchEnd)); err != nil || end.Reason != "host_draining" || len(end.Results) != 1 {
		t.Fatalf("match end %+v (%v), want host_draining with the standings", end, err)
	}
	expectClose(t, c, websocket.StatusGoingAway, "results were kept")
	select {
	case r := <-results:
		if r.Reason != "host_draining" || len(r.Standings) != 1 || r.Standings[0].Name != "cut-short" || r.Winner == 0 {
			t.Fatalf("result %+v, want host_draining with the player's line", r)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no result kept for the match ended at the deadline")
	}
}
