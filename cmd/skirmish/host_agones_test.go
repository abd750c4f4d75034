package main

import (
	"context"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/matchmaking/storetest"
	"github.com/skirmishgg/skirmish/server/servertest"
	"github.com/skirmishgg/skirmish/server/setup"
)

// TestHostAgones runs `skirmish host -agones` against a fake Agones SDK
// server found through AGONES_SDK_HTTP_PORT: the GameServer is labelled
// and Ready while the host serves, and Shutdown once it has drained.
func TestHostAgones(t *testing.T) {
	sdk := servertest.StartAgonesSDK(t)
	u, err := url.Parse(sdk.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("AGONES_SDK_HTTP_PORT", u.Port())
	rd := storetest.StartRedis(t, nil)
	key := filepath.Join(t.TempDir(), "token")
	if err := setup.WriteKeyPair(key, nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	var stderr strings.Builder
	go func() {
		done <- run(setup.StopWith(ctx), []string{"host", "-addr", "127.0.0.1:0", "-redis", rd.URL, "-token-pubkey", key + ".pub",
			"-agones", "-agones-health", "50ms", "-region", "eu", "-capacity", "32", "-log-level", "warn"}, io.Discard, &stderr)
	}()
	servertest.WaitFor(t, "the GameServer Ready and labelled", func() bool {
		_, capacity := sdk.Counter("players")
		return sdk.State() == "Ready" && sdk.Label("region") == "eu" && capacity == 32 && sdk.Count("POST", "/health") > 0
	})
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("host exited %d: %s", code, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the host did not exit after its drain")
	}
	if got := sdk.State(); got != "Shutdown" {
		t.Errorf("after the drain the GameServer is %s, want Shutdown", got)
	}
}

func TestHostBadFlags(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-token-pubkey", "k.pub", "-agones-health", "0s"}, "-agones-health must be positive"},
		{[]string{"-token-pubkey", "k.pub", "-capacity", "0"}, "-capacity must be positive"},
		{nil, "-token-pubkey is required"},
	}
	for _, tc := range tests {
		var stderr strings.Builder
		code := run(setup.StopWith(context.Background()), append([]string{"host"}, tc.args...), io.Discard, &stderr)
		if code != 2 || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("host %v: exit %d, %q; want 2 and %q", tc.args, code, stderr.String(), tc.want)
		}
	}
}
