package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/client/clientnet"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/identity/identitytest"
	"github.com/skirmishgg/skirmish/server/setup"
)

// TestServeIdentityFlags: serve without matchmaking refuses a player
// without an identity (4007, which clients answer by fetching a guest),
// takes a backend JWT (-auth-jwt-key, -auth-jwt-issuer) and caps guest
// issuance per address (-guest-rate).
func TestServeIdentityFlags(t *testing.T) {
	keys := identitytest.New(t)
	pemFile := filepath.Join(t.TempDir(), "backend.pem")
	if err := os.WriteFile(pemFile, keys.JWTPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	base, stop := startServeCommand(t, []string{"serve", "-addr", "127.0.0.1:0", "-web", "", "-log-level", "error",
		"-matchmaking=false", "-guest-rate", "2", "-auth-jwt-key", pemFile})
	defer stop()
	ws := "ws" + strings.TrimPrefix(base, "http") + "/ws"
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	_, err := clientnet.Dial(ctx, ws, &clientnet.DialOptions{Name: "nobody"})
	if websocket.CloseStatus(err) != protocol.CloseBadIdentity || !clientnet.IdentityRefused(err) {
		t.Fatalf("a Hello without identity: %v, want 4007", err)
	}
	conn, err := clientnet.Dial(ctx, ws, &clientnet.DialOptions{Name: "account", Identity: keys.JWT(t, "acct-1")})
	if err != nil {
		t.Fatalf("a backend JWT: %v", err)
	}
	conn.CloseNow()
	for i := range 3 {
		_, err := clientnet.FetchGuest(ctx, ws)
		if i < 2 && err != nil {
			t.Fatalf("guest %d: %v", i, err)
		}
		if i == 2 && (err == nil || !strings.Contains(err.Error(), "429")) {
			t.Fatalf("third guest in a minute with -guest-rate 2: %v, want 429", err)
		}
	}
	resp, err := http.Post(base+"/v1/auth/guest", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("over the guest rate: %s, Retry-After %q", resp.Status, resp.Header.Get("Retry-After"))
	}
}

func TestIdentityFlagErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"serve", "-guest-rate", "-1"}, "-guest-rate"},
		{[]string{"serve", "-guest-ttl", "1s"}, "-guest-ttl"},
		{[]string{"serve", "-auth-jwt-key", "/nonexistent/key.pem"}, "JWT key"},
		{[]string{"serve", "-auth-jwt-issuer", "https://auth.example"}, "need -auth-jwt-key"},
	}
	for _, tt := range tests {
		var stderr bytes.Buffer
		code := run(setup.StopWith(context.Background()), tt.args, io.Discard, &stderr)
		if code != 2 || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("%v: exit %d, %q; want 2 mentioning %q", tt.args, code, stderr.String(), tt.want)
		}
	}
}

// TestServeTokenKeyKeepsGuests: with -token-key, a guest identity from one
// run of serve is still good after a restart; without it, the next run
// refuses it (4007) and the clients fetch a new one.
func TestServeTokenKeyKeepsGuests(t *testing.T) {
	key := filepath.Join(t.TempDir(), "token")
	if err := setup.WriteKeyPair(key, nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	args := []string{"serve", "-addr", "127.0.0.1:0", "-web", "", "-log-level", "error", "-matchmaking=false"}
	base, stop := startServeCommand(t, append(args, "-token-key", key))
	guest, err := clientnet.FetchGuest(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	stop()
	for _, tc := range []struct {
		name string
		args []string
		want websocket.StatusCode // -1: welcomed
	}{
		{"same key", append(args, "-token-key", key), -1},
		{"a new key", args, protocol.CloseBadIdentity},
	} {
		base, stop := startServeCommand(t, tc.args)
		conn, err := clientnet.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/ws", &clientnet.DialOptions{Identity: guest.Token})
		if err == nil {
			conn.CloseNow()
		}
		if got := websocket.CloseStatus(err); got != tc.want {
			t.Errorf("%s: the earlier guest got %v (%v), want %d", tc.name, got, err, tc.want)
		}
		stop()
	}
}
