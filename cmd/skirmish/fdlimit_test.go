package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/client/clientnet"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// TestFileLimitHolds: under a small open-file limit (ulimit -n 400),
// 600 idle connections from ten addresses no longer exhaust the server's
// descriptors: past the cap derived from the limit they are answered 503,
// the admin /healthz answers throughout, a player is told "server full"
// rather than left hanging, and once the flood is gone a player gets in
// and plays. Before the caps, accept failed with "too many open files".
func TestFileLimitHolds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and runs it under a small open-file limit")
	}
	bin := servertest.BuildCommand(t, "./cmd/skirmish")
	admin := freeAddr(t)
	p := servertest.StartProcess(t, "serve", "sh", "-c", fmt.Sprintf(
		"ulimit -n 400 && exec %s serve -addr 127.0.0.1:0 -admin-addr %s -web= -log-level warn -matchmaking=false", bin, admin))
	addr := p.Addr
	guest := servertest.Guest(t, "ws://"+addr+"/ws")

	var flood []net.Conn
	defer func() {
		for _, c := range flood {
			c.Close()
		}
	}()
	for i := range 600 {
		c, err := servertest.DialFrom(fmt.Sprintf("127.0.0.%d", 2+i%10), addr)
		if err != nil {
			t.Fatalf("flood connection %d: %v", i, err)
		}
		flood = append(flood, c)
	}
	healthz := &http.Client{Timeout: 3 * time.Second}
	resp, err := healthz.Get("http://" + admin + "/healthz")
	if err != nil {
		t.Fatalf("admin /healthz during the flood: %v", err)
	}
	resp.Body.Close()
	if code, body := rawGet(t, "127.0.0.1", addr, "/healthz", ""); code != http.StatusServiceUnavailable {
		t.Fatalf("a new connection during the flood: %d %q, want 503 server full", code, body)
	}
	for _, c := range flood {
		c.Close()
	}
	flood = nil
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var player *clientnet.Conn
	servertest.WaitForWithin(t, 10*time.Second, "a player to get in after the flood", func() bool {
		player, err = clientnet.Dial(ctx, "ws://"+addr+"/ws", &clientnet.DialOptions{Name: "after", Identity: guest})
		return err == nil
	})
	defer player.CloseNow()
	if n := play(t, player, time.Second); n < 5 {
		t.Fatalf("the player got %d snapshots in 1s", n)
	}
	if stderr := p.Stderr(); strings.Contains(stderr, "too many open files") {
		t.Fatalf("the server ran out of descriptors:\n%s", stderr)
	}
}
