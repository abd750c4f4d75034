package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/client/clientnet"
	"github.com/skirmishgg/skirmish/server/servertest"
	"github.com/skirmishgg/skirmish/server/setup"
)

// TestServeCommand runs `skirmish serve` as a user does (make run), with
// and without a browser build, and checks that the page, the API routes
// and a clean shutdown all work together: the routes of the web client and
// of the server share one mux.
func TestServeCommand(t *testing.T) {
	built := t.TempDir()
	writeWebBuild(t, built)
	cases := []struct {
		name      string
		web       string
		rootCode  int
		rootHas   string
		withAdmin bool
	}{
		{name: "web built", web: built, rootCode: http.StatusOK, rootHas: "<html", withAdmin: true},
		{name: "web not built", web: filepath.Join(t.TempDir(), "missing"), rootCode: http.StatusServiceUnavailable, rootHas: "make web"},
		{name: "no web", web: "", rootCode: http.StatusNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"serve", "-addr", "127.0.0.1:0", "-web", tc.web, "-log-level", "error"}
			if tc.withAdmin {
				args = append(args, "-admin-addr", "127.0.0.1:0")
			}
			base, stop := startServeCommand(t, args)
			defer stop()

			code, body := httpGet(t, base+"/")
			if code != tc.rootCode || !strings.Contains(body, tc.rootHas) {
				t.Errorf("GET /: %d %.80q, want %d containing %q", code, body, tc.rootCode, tc.rootHas)
			}
			for _, path := range []string{"/healthz", "/metrics", "/v1/matchmaking/stats"} {
				want := http.StatusOK
				if tc.withAdmin && path != "/healthz" {
					want = http.StatusNotFound // operators only, on -admin-addr
				}
				if code, body := httpGet(t, base+path); code != want {
					t.Errorf("GET %s: %d %.120q, want %d", path, code, body, want)
				}
			}
			if code, _ := httpGet(t, base+"/ws"); code != http.StatusUpgradeRequired && code != http.StatusBadRequest {
				t.Errorf("GET /ws without an upgrade: %d, want a WebSocket refusal", code)
			}
		})
	}
}

// startServeCommand runs the serve command in-process until stop, which
// checks that it exits with 0.
func startServeCommand(t *testing.T, args []string) (base string, stop func()) {
	t.Helper()
	sc := startServe(t, args)
	return sc.base, func() {
		sc.drain()
		sc.now()
		if code := sc.wait(t); code != 0 {
			t.Errorf("serve exited with %d after shutdown, want 0", code)
		}
	}
}

// serveRun is the serve command running in-process: drain and now are
// its first and second signal.
type serveRun struct {
	base       string
	drain, now context.CancelFunc
	done       chan int
}

func startServe(t *testing.T, args []string) *serveRun {
	t.Helper()
	drain, stopDrain := context.WithCancel(context.Background())
	now, stopNow := context.WithCancel(context.Background())
	t.Cleanup(func() { stopDrain(); stopNow() })
	pr, pw := io.Pipe()
	sc := &serveRun{drain: stopDrain, now: stopNow, done: make(chan int, 1)}
	go func() {
		code := run(setup.Stop{Drain: drain, Now: now}, args, pw, io.Discard)
		pw.Close()
		sc.done <- code
	}()
	addrc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if addr, ok := strings.CutPrefix(sc.Text(), "skirmish: listening on "); ok {
				addrc <- addr
			}
		}
		io.Copy(io.Discard, pr)
	}()
	select {
	case addr := <-addrc:
		sc.base = "http://" + addr
	case code := <-sc.done:
		t.Fatalf("serve exited with %d before listening", code)
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not print its address within 10s")
	}
	return sc
}

// wait returns the command's exit code.
func (sc *serveRun) wait(t *testing.T) int {
	t.Helper()
	select {
	case code := <-sc.done:
		return code
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not exit within 15s of its shutdown")
		return -1
	}
}

// TestServeDrains: on the first signal serve stops taking players
// (/readyz 503) while a match plays on; the second ends the match at once
// with its results, and serve exits 0.
func TestServeDrains(t *testing.T) {
	sc := startServe(t, []string{"serve", "-addr", "127.0.0.1:0", "-web", "", "-log-level", "error", "-matchmaking=false"})
	ws := "ws" + strings.TrimPrefix(sc.base, "http") + "/ws"
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, err := clientnet.Dial(ctx, ws, &clientnet.DialOptions{Name: "stays", Identity: servertest.Guest(t, ws)})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	sc.drain()
	deadline := time.Now().Add(5 * time.Second)
	for {
		code, body := httpGet(t, sc.base+"/readyz")
		if code == http.StatusServiceUnavailable && strings.Contains(body, "draining") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz after the first signal: %d %q, want 503 draining", code, body)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := clientnet.Dial(ctx, ws, &clientnet.DialOptions{Name: "late"}); err == nil {
		t.Fatal("a new player joined a draining server")
	}
	sc.now()
	for {
		if _, err := conn.Next(ctx); err != nil {
			break
		}
	}
	if end, ok := conn.MatchEnd(); !ok || end.Reason != "host_draining" {
		t.Fatalf("match end %+v (%v), want host_draining", end, ok)
	}
	if code := sc.wait(t); code != 0 {
		t.Fatalf("serve exited with %d, want 0", code)
	}
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, string(b)
}

// writeWebBuild writes a stand-in of what `make web` produces.
func writeWebBuild(t *testing.T, dir string) {
	t.Helper()
	files := map[string]string{
		"index.html":   `<!doctype html><html><script src="wasm_exec.js"></script><script src="loader.js"></script></html>`,
		"loader.js":    `fetch("skirmish.wasm")`,
		"wasm_exec.js": `// Go's runtime support`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Create(filepath.Join(dir, "skirmish.wasm.gz"))
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	zw.Write([]byte("\x00asm\x01\x00\x00\x00"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestKeygenCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "token")
	if code := run(setup.StopWith(context.Background()), []string{"keygen", "-out", path}, io.Discard, io.Discard); code != 0 {
		t.Fatalf("keygen exited %d", code)
	}
	if _, err := setup.LoadTokenSigner(path); err != nil {
		t.Fatal(err)
	}
	if _, err := setup.LoadTokenVerifier(path + ".pub"); err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	if code := run(setup.StopWith(context.Background()), []string{"keygen", "-out", path}, io.Discard, &stderr); code != 1 || !strings.Contains(stderr.String(), "exists") {
		t.Fatalf("keygen over an existing key: exit %d, %q; want 1 and a message", code, stderr.String())
	}
	if code := run(setup.StopWith(context.Background()), []string{"keygen"}, io.Discard, io.Discard); code != 2 {
		t.Fatalf("keygen without -out exited %d, want 2", code)
	}
}

// -log-format json writes one JSON object a line; an unknown format is a
// usage error.
func TestServeLogFormat(t *testing.T) {
	var stderr strings.Builder
	if code := run(setup.StopWith(context.Background()), []string{"serve", "-log-format", "yaml"}, io.Discard, &stderr); code != 2 || !strings.Contains(stderr.String(), "want text or json") {
		t.Fatalf("-log-format yaml: exit %d, %q; want 2 and a message", code, stderr.String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(setup.StopWith(ctx), []string{"serve", "-addr", "127.0.0.1:0", "-web", "", "-log-format", "json"}, io.Discard, pw)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	cancel()
	go io.Copy(io.Discard, pr)
	if err != nil {
		t.Fatal(err)
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(line), &rec); err != nil || rec["msg"] == nil || rec["level"] == nil {
		t.Fatalf("first log line %q is not a JSON record (%v)", line, err)
	}
	if code := <-done; code != 0 {
		t.Fatalf("serve exited %d", code)
	}
}
