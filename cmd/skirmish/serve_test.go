package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
				if code, body := httpGet(t, base+path); code != http.StatusOK {
					t.Errorf("GET %s: %d %.120q, want 200", path, code, body)
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
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		code := run(ctx, args, pw, io.Discard)
		pw.Close()
		done <- code
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
		base = "http://" + addr
	case code := <-done:
		cancel()
		t.Fatalf("serve exited with %d before listening", code)
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal("serve did not print its address within 10s")
	}
	return base, func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("serve exited with %d after shutdown, want 0", code)
			}
		case <-time.After(15 * time.Second):
			t.Error("serve did not exit within 15s of its shutdown")
		}
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
