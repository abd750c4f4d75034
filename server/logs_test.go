package server_test

import (
	"context"
	"fmt"
	"slices"
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

// TestStructuredLogs plays a short match (two players, a drop and a
// resume, a leave, a drain) on a server logging JSON, and checks that
// every line is JSON and carries the host, that the lines about the match
// and its players are there with their match and player, and that the
// host's lifecycle is told in order.
func TestStructuredLogs(t *testing.T) {
	logs := &servertest.Logs{}
	st := servertest.StartStack(t, setup.Options{
		Direct:   arena.New(&arena.Config{TimeLimit: 120}), // 2 s
		HostName: "test-host",
		Server:   server.Options{Logger: logs.Logger(), ResumeGrace: 5 * time.Second},
	})

	a := dial(t, st.URL)
	wa := handshake(t, a, "alice")
	b := dial(t, st.URL)
	wb := handshake(t, b, "bob")
	st.Server.BeginDrain() // the match plays on
	a.CloseNow()           // a drop…
	servertest.WaitFor(t, "the drop", func() bool { return len(logs.With(t, "player dropped: the seat is held for the grace period")) == 1 })
	back := dial(t, st.URL) // …and a resume, by the same identity
	writeMsg(t, back, &protocol.Hello{Version: protocol.Version, Resume: wa.Resume, Identity: identityOf(a)})
	readWelcome(t, back)
	b.Close(websocket.StatusNormalClosure, "bye") // a leave
	readTypeWithin(t, back, protocol.MsgMatchEnd, 10*time.Second)
	expectClose(t, back, websocket.StatusNormalClosure, "match over")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := st.Server.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	servertest.WaitFor(t, "the resumed player's leave", func() bool { return len(logs.With(t, "player left")) == 2 })
	if st.Server.State() != registry.Stopped {
		t.Fatalf("state %s after the drain", st.Server.State())
	}

	match := wa.Match
	alice, bob := float64(wa.Player), float64(wb.Player)
	for _, l := range logs.Lines(t) {
		if l["host"] != "test-host" {
			t.Errorf("line without host=test-host: %v", l)
		}
	}
	tests := []struct {
		msg    string
		player float64 // 0: a match line
		extra  string  // another attribute it must have
	}{
		{"match started", 0, "game"},
		{"player joined", alice, "name"},
		{"player joined", bob, "name"},
		{"player dropped: the seat is held for the grace period", alice, ""},
		{"player resumed", alice, ""},
		{"player left", bob, ""},
		{"player left", alice, ""},
		{"match ended", 0, "standings"},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s %v", tc.msg, tc.player), func(t *testing.T) {
			found := slices.ContainsFunc(logs.With(t, tc.msg), func(l map[string]any) bool {
				return l["match"] == match && l["level"] == "INFO" &&
					(tc.player == 0 || l["player"] == tc.player) && (tc.extra == "" || l[tc.extra] != nil)
			})
			if !found {
				t.Errorf("no INFO line %q with match=%s player=%v %s; have %v", tc.msg, match, tc.player, tc.extra, logs.With(t, tc.msg))
			}
		})
	}
	if end := logs.With(t, "match ended"); len(end) == 1 {
		// Bob left before the end: the standings are of who stayed.
		standings, _ := end[0]["standings"].([]any)
		var first map[string]any
		if len(standings) > 0 {
			first, _ = standings[0].(map[string]any)
		}
		if len(standings) != 1 || first["Name"] != "alice" {
			t.Errorf("match ended with standings %v, want alice's", end[0]["standings"])
		}
	}

	var states []string
	for _, l := range logs.With(t, "host state") {
		states = append(states, fmt.Sprint(l["state"]))
	}
	if want := []string{"ready", "allocated", "draining", "stopped"}; !slices.Equal(states, want) {
		t.Errorf("host states logged %v, want %v", states, want)
	}
}
