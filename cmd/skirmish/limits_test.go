package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/client/clientnet"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/servertest"
	"github.com/skirmishgg/skirmish/server/setup"
)

// serveArgs is a quiet serve on a loopback port without a web build.
func serveArgs(extra ...string) []string {
	return append([]string{"serve", "-addr", "127.0.0.1:0", "-web", "", "-log-level", "error"}, extra...)
}

// play has c play for d, acknowledging what it gets, and returns the
// snapshots it got; a closed connection fails the test.
func play(t *testing.T, c *clientnet.Conn, d time.Duration) uint64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d+10*time.Second)
	defer cancel()
	before := c.Stats().Snapshots
	for end := time.Now().Add(d); time.Now().Before(end); {
		typ, err := c.Next(ctx)
		if err != nil {
			t.Fatalf("the player was cut off: %v", err)
		}
		if typ == protocol.MsgSnapshot {
			if _, err := c.SendInput(ctx, protocol.Input{MoveX: 1}); err != nil {
				t.Fatalf("input: %v", err)
			}
		}
	}
	return c.Stats().Snapshots - before
}

// rawGet sends GET path with the extra header lines on a new connection
// from source IP from and returns the status and body.
func rawGet(t *testing.T, from, addr, path, header string) (int, string) {
	t.Helper()
	c, err := servertest.DialFrom(from, addr)
	if err != nil {
		t.Fatalf("dial from %s: %v", from, err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n%s\r\n", path, addr, header)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("GET %s from %s: %v", path, from, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, string(b)
}

// hold opens n idle connections from ip, closed when the test ends.
func hold(t *testing.T, ip, addr string, n int) []net.Conn {
	t.Helper()
	var cs []net.Conn
	for range n {
		c, err := servertest.DialFrom(ip, addr)
		if err != nil {
			t.Fatalf("dial from %s: %v", ip, err)
		}
		t.Cleanup(func() { c.Close() })
		cs = append(cs, c)
	}
	return cs
}

// TestConnectionCaps: connections past the per-IP cap and then past the
// global cap are answered 503 with the reason and counted, while a player
// from another address gets in, plays, and /healthz answers.
func TestConnectionCaps(t *testing.T) {
	sc := startServe(t, serveArgs("-matchmaking=false", "-max-conns", "12", "-max-conns-per-ip", "4"))
	addr := strings.TrimPrefix(sc.base, "http://")

	hold(t, "127.0.0.2", addr, 4)
	for range 3 { // an attacker keeps trying
		if code, body := rawGet(t, "127.0.0.2", addr, "/healthz", ""); code != http.StatusServiceUnavailable || !strings.Contains(body, "too many connections from your address") {
			t.Fatalf("connection past the per-IP cap: %d %q, want 503 too many connections from your address", code, body)
		}
	}
	if code, body := rawGet(t, "127.0.0.1", addr, "/healthz", ""); code != http.StatusOK {
		t.Fatalf("/healthz from another address: %d %q", code, body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	player, err := clientnet.Dial(ctx, "ws://"+addr+"/ws", &clientnet.DialOptions{Name: "player", Identity: servertest.Guest(t, "ws://"+addr+"/ws")})
	if err != nil {
		t.Fatalf("a player from another address: %v", err)
	}
	defer player.CloseNow()
	if n := play(t, player, time.Second); n < 5 {
		t.Fatalf("the player got %d snapshots in 1s", n)
	}

	// 4 + the player: 7 more fill the server.
	filler := hold(t, "127.0.0.3", addr, 4)
	filler = append(filler, hold(t, "127.0.0.4", addr, 3)...)
	if code, body := rawGet(t, "127.0.0.5", addr, "/healthz", ""); code != http.StatusServiceUnavailable || !strings.Contains(body, "server full") {
		t.Fatalf("connection past the global cap: %d %q, want 503 server full", code, body)
	}
	if n := play(t, player, 500*time.Millisecond); n == 0 {
		t.Fatal("the player got no snapshot while the server was full")
	}
	for _, c := range filler {
		c.Close()
	}
	// The freed places are taken again once the server saw them close.
	var metrics string
	servertest.WaitFor(t, "a place freed", func() bool {
		code, body := rawGet(t, "127.0.0.1", addr, "/metrics", "")
		metrics = body
		return code == http.StatusOK
	})
	for _, want := range []struct {
		series string
		min    float64
	}{
		{`skirmish_connections_refused_total{reason="per_ip"}`, 3},
		{`skirmish_connections_refused_total{reason="server_full"}`, 1},
		{"skirmish_connections_open", 6}, // the player, 4 from .2, this request
	} {
		var v float64
		for _, line := range strings.Split(metrics, "\n") {
			if rest, ok := strings.CutPrefix(line, want.series+" "); ok {
				fmt.Sscan(rest, &v)
			}
		}
		if v < want.min {
			t.Errorf("/metrics: %s = %v, want at least %v", want.series, v, want.min)
		}
	}
}

// TestHeaderLimit: a request head over 16 KiB is refused with 431 on the
// player port and the admin port; one under it is served.
func TestHeaderLimit(t *testing.T) {
	admin := freeAddr(t)
	sc := startServe(t, serveArgs("-matchmaking=false", "-admin-addr", admin))
	addr := strings.TrimPrefix(sc.base, "http://")
	for _, tc := range []struct {
		name string
		addr string
		size int
		want int
	}{
		{"player port, 12 KiB", addr, 12 << 10, http.StatusOK},
		{"player port, 24 KiB", addr, 24 << 10, http.StatusRequestHeaderFieldsTooLarge},
		{"player port, 1 MiB", addr, 1 << 20, http.StatusRequestHeaderFieldsTooLarge},
		{"admin port, 24 KiB", admin, 24 << 10, http.StatusRequestHeaderFieldsTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			header := "X-Padding: " + strings.Repeat("a", tc.size) + "\r\n"
			if code, body := rawGet(t, "127.0.0.1", tc.addr, "/healthz", header); code != tc.want {
				t.Fatalf("%d %q, want %d", code, body, tc.want)
			}
		})
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestControlFrameFlood: a connection flooding ping frames, on the game
// socket and on the queue socket, is closed with 1008 within a second
// and dropped soon after, while a player keeps playing.
func TestControlFrameFlood(t *testing.T) {
	for _, tc := range []struct {
		name, path string
		args       []string
	}{
		{"game", "/ws", serveArgs("-matchmaking=false")},
		{"queue", "/v1/matchmaking/ws", serveArgs()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := startServe(t, tc.args)
			addr := strings.TrimPrefix(sc.base, "http://")
			var player *clientnet.Conn
			if tc.path == "/ws" {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				var err error
				if player, err = clientnet.Dial(ctx, "ws://"+addr+"/ws", &clientnet.DialOptions{Name: "player", Identity: servertest.Guest(t, "ws://"+addr+"/ws")}); err != nil {
					t.Fatal(err)
				}
				defer player.CloseNow()
			}
			c, err := servertest.DialFrom("127.0.0.2", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			code, body, ws, err := servertest.UpgradeRaw(c, addr, tc.path, nil)
			if err != nil || ws == nil {
				t.Fatalf("upgrade: %d %q %v", code, body, err)
			}
			flooding, stop := context.WithTimeout(context.Background(), 10*time.Second)
			defer stop()
			go func() {
				payload := []byte("flood")
				for flooding.Err() == nil && ws.WriteFrame(0x9, payload) == nil {
				}
			}()
			start := time.Now()
			code2, reason, err := ws.ReadClose(start.Add(3 * time.Second))
			if err != nil || code2 != 1008 {
				t.Fatalf("ping flood: close %d %q (%v), want 1008", code2, reason, err)
			}
			t.Logf("closed with %d %q after %v", code2, reason, time.Since(start))
			if player != nil {
				if n := play(t, player, time.Second); n < 5 {
					t.Fatalf("the player got %d snapshots in 1s during the flood", n)
				}
			}
			// The flooder is dropped, not kept on for its close handshake.
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			var ne net.Error
			if _, err := io.Copy(io.Discard, ws.R); errors.As(err, &ne) && ne.Timeout() {
				t.Fatalf("the flooding connection was not dropped: %v", err)
			}
			stop()
		})
	}
}

// TestAllowedOrigins: WebSocket upgrades from pages of other origins are
// refused with 403 unless -allowed-origins lists them; same-origin pages
// and native clients (no Origin) are accepted; on the game and queue
// sockets.
func TestAllowedOrigins(t *testing.T) {
	sc := startServe(t, serveArgs("-allowed-origins", "*.example.com,https://app.test"))
	addr := strings.TrimPrefix(sc.base, "http://")
	for _, path := range []string{"/ws", "/v1/matchmaking/ws"} {
		for _, tc := range []struct {
			origin string
			want   int
		}{
			{"", http.StatusSwitchingProtocols},
			{"http://" + addr, http.StatusSwitchingProtocols},
			{"https://play.example.com", http.StatusSwitchingProtocols},
			{"https://app.test", http.StatusSwitchingProtocols},
			{"http://app.test", http.StatusForbidden},
			{"https://evil.test", http.StatusForbidden},
			{"https://example.com.evil.test", http.StatusForbidden},
			{"null", http.StatusForbidden},
		} {
			t.Run(path+" "+tc.origin, func(t *testing.T) {
				c, err := servertest.DialFrom("", addr)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				h := http.Header{}
				if tc.origin != "" {
					h.Set("Origin", tc.origin)
				}
				code, body, _, err := servertest.UpgradeRaw(c, addr, path, h)
				if err != nil || code != tc.want {
					t.Fatalf("upgrade with Origin %q: %d %q (%v), want %d", tc.origin, code, body, err, tc.want)
				}
				if code == http.StatusForbidden && !strings.Contains(body, "not") {
					t.Fatalf("403 without a reason: %q", body)
				}
			})
		}
	}
}

// TestTLS: with -tls-cert and -tls-key a player plays over wss:// and
// /healthz answers over https://; a new certificate written over the
// files is served within seconds, and a broken one leaves the old one in
// service.
func TestTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	roots := x509.NewCertPool()
	roots.AddCert(servertest.WriteSelfSigned(t, certFile, keyFile, 1))
	sc := startServe(t, serveArgs("-matchmaking=false", "-tls-cert", certFile, "-tls-key", keyFile))
	addr := strings.TrimPrefix(sc.base, "http://")
	tlsConf := &tls.Config{RootCAs: roots}
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: tlsConf}}

	resp, err := client.Get("https://" + addr + "/healthz")
	if err != nil {
		t.Fatalf("https: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("https /healthz: %d", resp.StatusCode)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	player, err := clientnet.Dial(ctx, "wss://"+addr+"/ws", &clientnet.DialOptions{Name: "secure", NativeDialOptions: clientnet.NativeDialOptions{HTTPClient: client}, Identity: guestOver(t, client, "https://"+addr)})
	if err != nil {
		t.Fatalf("wss: %v", err)
	}
	defer player.CloseNow()
	if n := play(t, player, time.Second); n < 5 {
		t.Fatalf("the player got %d snapshots in 1s over wss", n)
	}

	served := func() int64 {
		c, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: roots})
		if err != nil {
			t.Fatalf("TLS handshake: %v", err)
		}
		defer c.Close()
		return c.ConnectionState().PeerCertificates[0].SerialNumber.Int64()
	}
	if s := served(); s != 1 {
		t.Fatalf("serial %d served, want 1", s)
	}
	roots.AddCert(servertest.WriteSelfSigned(t, certFile, keyFile, 2))
	servertest.WaitForWithin(t, 6*time.Second, "the new certificate", func() bool { return served() == 2 })
	// A player joins with the new certificate; the first plays on.
	late, err := clientnet.Dial(ctx, "wss://"+addr+"/ws", &clientnet.DialOptions{Name: "late", NativeDialOptions: clientnet.NativeDialOptions{HTTPClient: client}, Identity: guestOver(t, client, "https://"+addr)})
	if err != nil {
		t.Fatalf("wss after the rotation: %v", err)
	}
	late.CloseNow()
	if n := play(t, player, 300*time.Millisecond); n == 0 {
		t.Fatal("the first player got nothing after the rotation")
	}
}

// TestNetFlagErrors: TLS flags that cannot work are a clear error on
// every server command, never a server without TLS.
func TestNetFlagErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.pem")
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"serve cert without key", serveArgs("-tls-cert", missing), 2, "-tls-cert and -tls-key go together"},
		{"serve key without cert", serveArgs("-tls-key", missing), 2, "-tls-cert and -tls-key go together"},
		{"serve missing files", serveArgs("-tls-cert", missing, "-tls-key", missing), 1, "no such file"},
		{"host cert without key", []string{"host", "-tls-cert", missing, "-token-pubkey", missing}, 2, "-tls-cert and -tls-key go together"},
		{"matchmaker key without cert", []string{"matchmaker", "-tls-key", missing, "-token-key", missing}, 2, "-tls-cert and -tls-key go together"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr strings.Builder
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if code := run(setup.StopWith(ctx), tc.args, io.Discard, &stderr); code != tc.code || !strings.Contains(stderr.String(), tc.want) {
				t.Fatalf("exit %d, %q; want %d and %q", code, stderr.String(), tc.code, tc.want)
			}
		})
	}
}

// guestOver fetches a guest identity from base with client (one that
// trusts the test's certificate).
func guestOver(t *testing.T, client *http.Client, base string) string {
	t.Helper()
	resp, err := client.Post(base+"/v1/auth/guest", "application/json", nil)
	if err != nil {
		t.Fatalf("guest identity over https: %v", err)
	}
	defer resp.Body.Close()
	var g struct{ Token string }
	if err := json.NewDecoder(resp.Body).Decode(&g); err != nil || resp.StatusCode != http.StatusOK || g.Token == "" {
		t.Fatalf("guest identity over https: %s, %v", resp.Status, err)
	}
	return g.Token
}
