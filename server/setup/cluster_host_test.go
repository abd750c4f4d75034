package setup_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/matchmaking/redisstore"
	"github.com/skirmishgg/skirmish/matchmaking/storetest"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/agones"
	"github.com/skirmishgg/skirmish/server/servertest"
	"github.com/skirmishgg/skirmish/server/setup"
)

// TestHostAgones runs a cluster host under a fake Agones SDK server: the
// GameServer is labelled, counted and Ready once the host serves, and
// Shutdown when its drain is over. Every line the host logs names it.
func TestHostAgones(t *testing.T) {
	sdk := servertest.StartAgonesSDK(t)
	logs := &servertest.Logs{}
	rd := storetest.StartRedis(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rdb, err := redisstore.Open(ctx, rd.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Close() })
	key := filepath.Join(t.TempDir(), "token")
	if err := setup.WriteKeyPair(key, nil); err != nil {
		t.Fatal(err)
	}
	tokens, err := setup.LoadTokenVerifier(key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	host, err := setup.NewHost(setup.HostOptions{
		Redis: rdb, Tokens: tokens, Modes: arena.Modes(nil), HostID: "h1", PublicURL: "ws://h1.invalid/ws",
		Region: "eu", Capacity: 16, TTL: 3 * time.Second,
		Server: server.Options{Logger: logs.Logger()},
		Agones: &agones.Options{URL: sdk.URL, HealthInterval: 10 * time.Millisecond, SyncInterval: 10 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	servertest.WaitFor(t, "the GameServer Ready", func() bool {
		_, capacity := sdk.Counter("players")
		return sdk.State() == "Ready" && sdk.Label("region") == "eu" && capacity == 16 && sdk.Count("POST", "/health") > 0
	})
	if err := host.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if got := sdk.State(); got != "Shutdown" {
		t.Errorf("after the drain the GameServer is %s, want Shutdown", got)
	}
	if err := host.Close(ctx); err != nil {
		t.Fatal(err)
	}
	for _, l := range logs.Lines(t) {
		if l["host"] != "h1" {
			t.Errorf("a line without host=h1: %v", l)
		}
	}
	var states []any
	for _, l := range logs.With(t, "host state") {
		states = append(states, l["state"])
	}
	if want := []any{"ready", "stopped"}; !slices.Equal(states, want) {
		t.Errorf("host states logged %v, want %v", states, want)
	}
	if len(logs.With(t, "agones: shutdown sent")) != 1 {
		t.Error("no line for the shutdown sent to Agones")
	}
}
