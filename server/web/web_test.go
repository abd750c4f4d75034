package web

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

const testIndex = `<!doctype html><script src="wasm_exec.js"></script><script src="loader.js" data-wasm="skirmish.wasm"></script>`

func gzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func webBuild(t *testing.T, wasm []byte) fstest.MapFS {
	return fstest.MapFS{
		"index.html":       {Data: []byte(testIndex)},
		"skirmish.wasm.gz": {Data: gzipped(t, wasm)},
		"wasm_exec.js":     {Data: []byte("// go runtime support")},
		"loader.js":        {Data: []byte("// loader")},
	}
}

func get(t *testing.T, h http.Handler, method, path string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

var hashedURL = regexp.MustCompile(`"(/skirmish\.[0-9a-f]{12}\.wasm)"`)

// wasmURL returns the content-hashed WebAssembly URL the index refers to.
func wasmURL(t *testing.T, h http.Handler) string {
	t.Helper()
	rec := get(t, h, "GET", "/")
	m := hashedURL.FindStringSubmatch(rec.Body.String())
	if m == nil {
		t.Fatalf("index.html refers to no hashed wasm: %s", rec.Body)
	}
	return m[1]
}

func TestWebHandlerServesTheBuild(t *testing.T) {
	wasm := bytes.Repeat([]byte("\x00asm wasm bytes "), 1000)
	h, err := Handler(webBuild(t, wasm))
	if err != nil {
		t.Fatal(err)
	}

	rec := get(t, h, "GET", "/")
	body := rec.Body.String()
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" || rec.Header().Get("Cache-Control") != "no-cache" {
		t.Fatalf("index: %d %v", rec.Code, rec.Header())
	}
	for _, plain := range []string{`"skirmish.wasm"`, `"wasm_exec.js"`, `"loader.js"`} {
		if strings.Contains(body, plain) {
			t.Errorf("index still refers to %s: %s", plain, body)
		}
	}
	if !regexp.MustCompile(`"/wasm_exec\.[0-9a-f]{12}\.js"`).MatchString(body) || !regexp.MustCompile(`"/loader\.[0-9a-f]{12}\.js"`).MatchString(body) {
		t.Errorf("scripts not hashed: %s", body)
	}
	if rec := get(t, h, "GET", "/", "If-None-Match", rec.Header().Get("ETag")); rec.Code != http.StatusNotModified {
		t.Errorf("index revalidation: %d, want 304", rec.Code)
	}

	u := wasmURL(t, h)
	rec = get(t, h, "GET", u, "Accept-Encoding", "br, gzip;q=0.8")
	hd := rec.Header()
	want := map[string]string{
		"Content-Type":     "application/wasm",
		"Content-Encoding": "gzip",
		"Vary":             "Accept-Encoding",
		"Cache-Control":    "public, max-age=31536000, immutable",
		"X-Decoded-Length": strconv.Itoa(len(wasm)),
		"Content-Length":   strconv.Itoa(rec.Body.Len()),
	}
	for k, v := range want {
		if got := hd.Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	if rec.Body.Len() >= len(wasm)/4 {
		t.Errorf("sent %d bytes of %d: not compressed", rec.Body.Len(), len(wasm))
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := io.ReadAll(zr); !bytes.Equal(got, wasm) {
		t.Fatal("the gzipped body does not decode to the wasm")
	}
	if rec := get(t, h, "GET", u, "Accept-Encoding", "gzip", "If-None-Match", hd.Get("ETag")); rec.Code != http.StatusNotModified {
		t.Errorf("wasm revalidation: %d, want 304", rec.Code)
	}

	// Without gzip: decompressed on the fly.
	for _, ae := range []string{"", "identity", "gzip;q=0", "br"} {
		rec = get(t, h, "GET", u, "Accept-Encoding", ae)
		if rec.Header().Get("Content-Encoding") != "" || !bytes.Equal(rec.Body.Bytes(), wasm) ||
			rec.Header().Get("Content-Length") != strconv.Itoa(len(wasm)) || rec.Header().Get("Content-Type") != "application/wasm" {
			t.Errorf("Accept-Encoding %q: encoding %q, %d bytes, headers %v", ae, rec.Header().Get("Content-Encoding"), rec.Body.Len(), rec.Header())
		}
	}
	if rec := get(t, h, "HEAD", u, "Accept-Encoding", "gzip"); rec.Code != 200 || rec.Body.Len() != 0 || rec.Header().Get("Content-Encoding") != "gzip" {
		t.Errorf("HEAD: %d, %d bytes, %v", rec.Code, rec.Body.Len(), rec.Header())
	}

	// Scripts: hashed URLs immutable, plain names revalidated.
	rec = get(t, h, "GET", "/")
	js := regexp.MustCompile(`"(/wasm_exec\.[0-9a-f]{12}\.js)"`).FindStringSubmatch(rec.Body.String())[1]
	rec = get(t, h, "GET", js)
	if rec.Body.String() != "// go runtime support" || rec.Header().Get("Content-Type") != "text/javascript; charset=utf-8" ||
		rec.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Errorf("wasm_exec.js: %q %v", rec.Body, rec.Header())
	}
	if rec := get(t, h, "GET", "/wasm_exec.js"); rec.Code != 200 || rec.Header().Get("Cache-Control") != "no-cache" {
		t.Errorf("plain wasm_exec.js: %d %v", rec.Code, rec.Header())
	}

	if rec := get(t, h, "GET", "/skirmish.0123456789ab.wasm"); rec.Code != 404 {
		t.Errorf("an unknown hash: %d, want 404", rec.Code)
	}
	if rec := get(t, h, "GET", "/nope"); rec.Code != 404 {
		t.Errorf("an unknown path: %d, want 404", rec.Code)
	}
	if rec := get(t, h, "POST", "/"); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d, want 405", rec.Code)
	}
}

func TestWebHandlerHashFollowsContent(t *testing.T) {
	a1, _ := Handler(webBuild(t, []byte("build one")))
	a2, _ := Handler(webBuild(t, []byte("build one")))
	b, _ := Handler(webBuild(t, []byte("build two")))
	if wasmURL(t, a1) != wasmURL(t, a2) {
		t.Error("the same build got two URLs")
	}
	if wasmURL(t, a1) == wasmURL(t, b) {
		t.Error("two builds share a URL: browsers would keep the old one")
	}
}

func TestWebHandlerCompressesAPlainWasm(t *testing.T) {
	wasm := bytes.Repeat([]byte("plain "), 5000)
	build := fstest.MapFS{
		"index.html":    {Data: []byte(testIndex)},
		"skirmish.wasm": {Data: wasm},
		"wasm_exec.js":  {Data: []byte("//")},
	}
	h, err := Handler(build)
	if err != nil {
		t.Fatal(err)
	}
	rec := get(t, h, "GET", wasmURL(t, h), "Accept-Encoding", "gzip")
	if rec.Header().Get("Content-Encoding") != "gzip" || rec.Body.Len() >= len(wasm)/10 {
		t.Fatalf("not served compressed: %v, %d bytes", rec.Header(), rec.Body.Len())
	}
}

func TestWebHandlerWithoutBuild(t *testing.T) {
	for name, dir := range map[string]fstest.MapFS{
		"empty":        {},
		"no wasm":      {"index.html": {Data: []byte(testIndex)}},
		"no wasm_exec": {"index.html": {Data: []byte(testIndex)}, "skirmish.wasm.gz": {Data: gzipped(t, []byte("x"))}},
	} {
		h, err := Handler(dir)
		if !errors.Is(err, ErrNotBuilt) || h == nil {
			t.Fatalf("%s: %v, handler %v; want ErrNotBuilt and a handler", name, err, h)
		}
		rec := get(t, h, "GET", "/")
		if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "make web") {
			t.Errorf("%s: GET / = %d %q", name, rec.Code, rec.Body)
		}
		rec = get(t, h, "GET", "/skirmish.wasm")
		if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "web client not built: run make web") {
			t.Errorf("%s: GET /skirmish.wasm = %d %q", name, rec.Code, rec.Body)
		}
	}
	if h, err := Handler(nil); !errors.Is(err, ErrNotBuilt) || h == nil {
		t.Errorf("nil dir: %v", err)
	}
	_, err := Handler(fstest.MapFS{"index.html": {Data: []byte("x")}, "skirmish.wasm.gz": {Data: []byte("not gzip")}})
	if err == nil || errors.Is(err, ErrNotBuilt) {
		t.Errorf("a corrupt build: %v, want an error of its own", err)
	}
}

func TestAcceptsGzip(t *testing.T) {
	for header, want := range map[string]bool{
		"":                       false,
		"gzip":                   true,
		"GZIP":                   true,
		"br, gzip, deflate":      true,
		"gzip;q=0":               false,
		"gzip; q=0.5":            true,
		"deflate, br":            false,
		"*":                      true,
		"*;q=0":                  false,
		"identity, x-gzip;q=0.1": true,
	} {
		if got := acceptsGzip(header); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", header, got, want)
		}
	}
}
