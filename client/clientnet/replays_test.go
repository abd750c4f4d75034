package clientnet

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/servertest"
	"github.com/skirmishgg/skirmish/server/setup"
)

// Against a real `serve -record DIR`: with -serve-replays ListReplays
// lists the directory's recording (its match, start and size) and
// ReplayURL fetches it; without the flag, or from an address where no
// server answers, the error says which (ErrNotShared, ErrUnreachable).
func TestListReplaysRealServer(t *testing.T) {
	dir := t.TempDir()
	rules := arena.New(nil)
	rec := servertest.Recording(t, rules, servertest.RecordingOptions{Players: 2, Ticks: 120})
	const name = "m_replay1-20261204T130000.000Z.skrec"
	if err := os.WriteFile(filepath.Join(dir, name), rec, 0o644); err != nil {
		t.Fatal(err)
	}
	serve := func(share bool) string {
		http, _ := servertest.Serve(t, setup.Options{Server: server.Options{RecordDir: dir}, Direct: rules}, setup.ServeOptions{ServeReplays: share})
		return "ws" + strings.TrimPrefix(http, "http") + "/ws"
	}
	shared, private := serve(true), serve(false)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	nobody := "ws://" + ln.Addr().String() + "/ws"
	ln.Close()

	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	list, err := ListReplays(ctx, shared)
	if err != nil || len(list) != 1 {
		t.Fatalf("ListReplays = %+v, %v", list, err)
	}
	r := list[0]
	if r.Name != name || r.Size != int64(len(rec)) || r.Match != "m_replay1" || !r.Started.Equal(time.Date(2026, 12, 4, 13, 0, 0, 0, time.UTC)) || r.Length() <= 0 {
		t.Fatalf("listed %+v (length %v)", r, r.Length())
	}
	u, err := ReplayURL(shared, r.Name)
	if err != nil {
		t.Fatal(err)
	}
	body, err := Fetch(ctx, u, 1<<20)
	if err != nil || string(body) != string(rec) {
		t.Fatalf("Fetch(%s) = %d bytes, %v; want the %d-byte recording", u, len(body), err, len(rec))
	}

	for _, tc := range []struct {
		name, url string
		want      error
	}{
		{"not shared", private, ErrNotShared},
		{"no server", nobody, ErrUnreachable},
		{"not an address", "ws://", ErrAddress},
	} {
		t.Run(tc.name, func(t *testing.T) {
			list, err := ListReplays(ctx, tc.url)
			if !errors.Is(err, tc.want) {
				t.Fatalf("ListReplays = %+v, %v; want %v", list, err, tc.want)
			}
		})
	}
}

// TestReplayURL: a recording's address sits beside the game endpoint.
func TestReplayURL(t *testing.T) {
	for _, tc := range []struct{ game, want string }{
		{"ws://localhost:8080/ws", "http://localhost:8080/replays/a.skrec"},
		{"wss://play.example/game/ws?x=1", "https://play.example/game/replays/a.skrec"},
	} {
		if got, err := ReplayURL(tc.game, "a.skrec"); err != nil || got != tc.want {
			t.Errorf("ReplayURL(%q) = %q, %v; want %q", tc.game, got, err, tc.want)
		}
	}
}
