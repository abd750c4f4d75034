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

func TestNegotiate(t *testing.T) {
	tests := []struct {
		header string
		haveBr bool
		want   string
	}{
		{"", true, ""},
		{"identity", true, ""},
		{"gzip", true, "gzip"},
		{"GZIP", false, "gzip"},
		{"x-gzip;q=0.1, identity", true, "gzip"},
		{"gzip, deflate, br, zstd", true, "br"}, // Chromium's
		{"gzip, deflate, br, zstd", false, "gzip"},
		{"br", false, ""},
		{"br;q=0.5, gzip", true, "gzip"},
		{"gzip;q=0.5, br;q=0.5", true, "br"},
		{"br;q=0, gzip;q=0.1", true, "gzip"},
		{"br; q=0.9 , gzip; q=0.8", true, "br"},
		{"BR;Q=1", true, "br"},
		{"gzip;q=0", true, ""},
		{"gzip;q=x", true, ""},
		{"gzip;q=2", true, ""},
		{"*", true, "br"},
		{"*", false, "gzip"},
		{"*;q=0", true, ""},
		{"*;q=0.5, br;q=0", true, "gzip"},
		{"deflate", true, ""},
		{" , ,gzip", true, "gzip"},
	}
	for _, tt := range tests {
		if got := negotiate(tt.header, tt.haveBr); got != tt.want {
			t.Errorf("negotiate(%q, br %v) = %q, want %q", tt.header, tt.haveBr, got, tt.want)
		}
	}
}

// TestWebHandlerServesBrotli checks each request against the encoding it
// should get from a build with both compressions.
func TestWebHandlerServesBrotli(t *testing.T) {
	wasm := bytes.Repeat([]byte("\x00asm wasm bytes "), 1000)
	build := webBuild(t, wasm)
	br := []byte("brotli bytes as make web stores them")
	build["skirmish.wasm.br"] = &fstest.MapFile{Data: br}
	h, err := Handler(build)
	if err != nil {
		t.Fatal(err)
	}
	u := wasmURL(t, h)
	gz := build["skirmish.wasm.gz"].Data
	etags := map[string]string{}
	tests := []struct {
		name   string
		method string
		header []string
		enc    string
		body   []byte // nil: none
	}{
		{"chromium", "GET", []string{"Accept-Encoding", "gzip, deflate, br, zstd"}, "br", br},
		{"br only", "GET", []string{"Accept-Encoding", "br"}, "br", br},
		{"gzip preferred", "GET", []string{"Accept-Encoding", "br;q=0.5, gzip"}, "gzip", gz},
		{"br refused", "GET", []string{"Accept-Encoding", "br;q=0, gzip"}, "gzip", gz},
		{"identity", "GET", []string{"Accept-Encoding", "identity"}, "", wasm},
		{"no header", "GET", nil, "", wasm},
		{"HEAD br", "HEAD", []string{"Accept-Encoding", "br"}, "br", nil},
		{"HEAD identity", "HEAD", nil, "", nil},
		{"range ignored", "GET", []string{"Accept-Encoding", "br", "Range", "bytes=0-9"}, "br", br},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := get(t, h, tt.method, u, tt.header...)
			hd := rec.Header()
			if rec.Code != 200 || hd.Get("Content-Encoding") != tt.enc || hd.Get("Content-Type") != "application/wasm" ||
				hd.Get("Vary") != "Accept-Encoding" || hd.Get("Cache-Control") != "public, max-age=31536000, immutable" ||
				hd.Get("X-Decoded-Length") != strconv.Itoa(len(wasm)) {
				t.Fatalf("%d %v: want 200, encoding %q", rec.Code, hd, tt.enc)
			}
			want := tt.body
			if want == nil {
				want = map[string][]byte{"br": br, "gzip": gz, "": wasm}[tt.enc]
				if rec.Body.Len() != 0 {
					t.Errorf("HEAD sent %d bytes", rec.Body.Len())
				}
			} else if !bytes.Equal(rec.Body.Bytes(), want) {
				t.Errorf("body of %d bytes, want %d", rec.Body.Len(), len(want))
			}
			if hd.Get("Content-Length") != strconv.Itoa(len(want)) {
				t.Errorf("Content-Length %s, want %d", hd.Get("Content-Length"), len(want))
			}
			if e, ok := etags[tt.enc]; ok && e != hd.Get("ETag") {
				t.Errorf("ETag %s, another request for %q got %s", hd.Get("ETag"), tt.enc, e)
			}
			etags[tt.enc] = hd.Get("ETag")
		})
	}
	if len(etags) != 3 || etags["br"] == etags["gzip"] || etags["gzip"] == etags[""] {
		t.Errorf("ETags %v: want one for each encoding", etags)
	}
	if rec := get(t, h, "GET", u, "Accept-Encoding", "br", "If-None-Match", etags["br"]); rec.Code != http.StatusNotModified {
		t.Errorf("br revalidation: %d, want 304", rec.Code)
	}
	if rec := get(t, h, "GET", u, "Accept-Encoding", "br", "If-None-Match", etags["gzip"]); rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), br) {
		t.Errorf("a gzip ETag revalidating a br request: %d, want 200 with br", rec.Code)
	}
	build["skirmish.wasm.br"] = &fstest.MapFile{}
	if _, err := Handler(build); err == nil || errors.Is(err, ErrNotBuilt) {
		t.Errorf("an empty skirmish.wasm.br: %v, want an error of its own", err)
	}
}
