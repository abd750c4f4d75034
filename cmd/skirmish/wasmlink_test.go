package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestWasmLinksNoHTTPClient guards the browser client's download size
// (issue 14): the wasm must not link net/http's client (Transport, the
// HTTP/2 bundle, crypto/tls), which adds some 6 MB raw and 0.8 MB Brotli.
// Package lists cannot tell (the wasm imports net/http either way, for
// its types and status codes); the linker keeps the client only when
// something reaches it, such as a *http.Client in a type (DialOptions'
// HTTPClient is native-only: NativeDialOptions) or a call to
// http.DefaultClient (the client's HTTP calls go through clientnet's
// httpDo, on the Fetch API in browsers). So the test builds the wasm as
// `make web` does and looks for the client's functions in its function
// name table, which -s -w keeps. TestBrowserPlays checks the bytes over
// the wire; this names the cause, without a browser.
func TestWasmLinksNoHTTPClient(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the wasm client")
	}
	out := filepath.Join(t.TempDir(), "skirmish-client.wasm")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, module+"/cmd/skirmish-client")
	cmd.Env = append(cmd.Environ(), "GOOS=js", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("GOOS=js GOARCH=wasm go build: %v\n%s", err, b)
	}
	wasm, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("wasm client: %d bytes", len(wasm))
	for _, fn := range []string{
		"net/http.(*Client).Do",
		"net/http.(*Transport).roundTrip",
		"net/http.http2",
		"crypto/tls.(*Conn).Handshake",
	} {
		if bytes.Contains(wasm, []byte(fn)) {
			t.Errorf("the wasm client links %s: something in a js build reaches net/http's client (an *http.Client in a type, http.DefaultClient, http.Get...); use clientnet's httpDo and keep native-only knobs in !js files", fn)
		}
	}
}
