// Package web serves the browser client: the WebAssembly build of the
// native client (make web), with content-hashed, cached assets, the
// WebAssembly precompressed with Brotli and gzip. It knows nothing of
// matches or players.
package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ErrNotBuilt reports that a directory holds no build of the browser
// client (index.html and skirmish.wasm.gz, from `make web`).
var ErrNotBuilt = errors.New("web client not built: run make web")

// Files of a browser client build, as `make web` writes them.
const (
	webIndex    = "index.html"
	webWasmGz   = "skirmish.wasm.gz" // the client compiled to WebAssembly, gzipped
	webWasmBr   = "skirmish.wasm.br" // the same, Brotli-compressed (optional)
	webWasm     = "skirmish.wasm"    // accepted instead, compressed at start
	webWasmExec = "wasm_exec.js"     // Go's WebAssembly runtime support, from GOROOT
	webLoader   = "loader.js"
)

// webAsset is a file served under a content-hashed, immutable URL.
type webAsset struct {
	path        string // URL path, with the hash
	contentType string
	body        []byte // as stored: gzipped for the wasm
	gzipped     bool
	br          []byte // the wasm Brotli-compressed; nil: none
	size        int    // decoded size
	etag        string
}

// webHandler serves a browser client build.
type webHandler struct {
	index     []byte
	indexETag string
	assets    map[string]*webAsset // by URL path
	modTime   time.Time
}

// Handler serves the browser client from dir, a build made by `make
// web`: GET / is index.html, with every reference to one of the build's
// files ("skirmish.wasm", "wasm_exec.js", "loader.js", in quotes) rewritten
// to a content-hashed URL such as /skirmish.3f2a9c01b7e4.wasm. Those URLs
// are served with Cache-Control: public, max-age=31536000, immutable, and
// index.html with no-cache, so a browser downloads the client once per
// build and never runs a stale one.
//
// The WebAssembly is kept compressed, as `make web` stored it: with
// Brotli (skirmish.wasm.br, optional) and gzip (skirmish.wasm.gz; a plain
// skirmish.wasm is gzipped once here instead). Each request gets the
// smallest encoding its Accept-Encoding allows (q-values honoured: br,
// then gzip), sent as is with Content-Encoding, Content-Type:
// application/wasm and Vary: Accept-Encoding, and an ETag of its own; a
// client that accepts neither gets it decompressed on the fly. Range
// requests for it are answered with the whole file (RFC 9110 lets a server
// ignore Range). Its decoded size is in the X-Decoded-Length header, for
// the page's progress bar.
//
// Everything is read once, here: a new build needs a new handler (a
// restart). When dir holds no build, Handler returns an error wrapping
// ErrNotBuilt together with a handler that answers every request with
// 503 and that message, so the server can run (and say why there is no
// client) anyway; any other error comes with a nil handler.
func Handler(dir fs.FS) (http.Handler, error) {
	if dir == nil {
		return notBuilt{}, ErrNotBuilt
	}
	index, err := fs.ReadFile(dir, webIndex)
	if errors.Is(err, fs.ErrNotExist) {
		return notBuilt{}, fmt.Errorf("%w (no %s)", ErrNotBuilt, webIndex)
	}
	if err != nil {
		return nil, fmt.Errorf("server: web client: %w", err)
	}
	wasm, gz, err := readWasm(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return notBuilt{}, fmt.Errorf("%w (no %s)", ErrNotBuilt, webWasmGz)
	}
	if err != nil {
		return nil, fmt.Errorf("server: web client: %w", err)
	}
	br, err := fs.ReadFile(dir, webWasmBr)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		br = nil // gzip only: a build without the brotli tool
	case err != nil:
		return nil, fmt.Errorf("server: web client: %w", err)
	case len(br) == 0:
		return nil, fmt.Errorf("server: web client: %s is empty", webWasmBr)
	}
	h := &webHandler{assets: map[string]*webAsset{}, modTime: time.Now()}
	h.add(webWasm, "application/wasm", gz, true, wasm).br = br
	for _, name := range []string{webWasmExec, webLoader} {
		b, err := fs.ReadFile(dir, name)
		if errors.Is(err, fs.ErrNotExist) {
			if name == webWasmExec {
				return notBuilt{}, fmt.Errorf("%w (no %s)", ErrNotBuilt, name)
			}
			continue // the page may do without a loader of its own
		}
		if err != nil {
			return nil, fmt.Errorf("server: web client: %w", err)
		}
		h.add(name, "text/javascript; charset=utf-8", b, false, len(b))
	}
	for name, a := range h.byName() {
		index = bytes.ReplaceAll(index, []byte(`"`+name+`"`), []byte(`"`+a.path+`"`))
	}
	h.index = index
	h.indexETag = etag(index)
	return h, nil
}

// readWasm returns the WebAssembly's decoded size and its gzipped bytes.
func readWasm(dir fs.FS) (size int, gz []byte, err error) {
	gz, err = fs.ReadFile(dir, webWasmGz)
	if err == nil {
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			return 0, nil, fmt.Errorf("%s: %w", webWasmGz, err)
		}
		n, err := io.Copy(io.Discard, zr)
		if err != nil {
			return 0, nil, fmt.Errorf("%s: %w", webWasmGz, err)
		}
		return int(n), gz, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return 0, nil, err
	}
	raw, err := fs.ReadFile(dir, webWasm)
	if err != nil {
		return 0, nil, err
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(raw)
	zw.Close()
	return len(raw), buf.Bytes(), nil
}

// add registers a file under its hashed URL, name.HASH.ext, and returns
// it.
func (h *webHandler) add(name, contentType string, body []byte, gzipped bool, size int) *webAsset {
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:6])
	base, ext, _ := strings.Cut(name, ".")
	a := &webAsset{
		path:        "/" + base + "." + hash + "." + ext,
		contentType: contentType,
		body:        body,
		gzipped:     gzipped,
		size:        size,
		etag:        `"` + hash + `"`,
	}
	h.assets[a.path] = a
	h.assets["/"+name] = a // the plain name, for people and tools; not cached
	return a
}

// byName maps each file's plain name to its asset.
func (h *webHandler) byName() map[string]*webAsset {
	m := map[string]*webAsset{}
	for p, a := range h.assets {
		if p != a.path {
			m[strings.TrimPrefix(p, "/")] = a
		}
	}
	return m
}

func etag(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}

func (h *webHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	switch p := r.URL.Path; {
	case p == "/" || p == "/index.html":
		hd := w.Header()
		hd.Set("Content-Type", "text/html; charset=utf-8")
		hd.Set("Cache-Control", "no-cache")
		hd.Set("ETag", h.indexETag)
		hd.Set("X-Content-Type-Options", "nosniff")
		http.ServeContent(w, r, "", h.modTime, bytes.NewReader(h.index))
	default:
		a := h.assets[p]
		if a == nil {
			http.NotFound(w, r)
			return
		}
		h.serveAsset(w, r, a, p == a.path)
	}
}

func (h *webHandler) serveAsset(w http.ResponseWriter, r *http.Request, a *webAsset, hashed bool) {
	hd := w.Header()
	hd.Set("Content-Type", a.contentType)
	hd.Set("X-Content-Type-Options", "nosniff")
	if hashed {
		hd.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		hd.Set("Cache-Control", "no-cache")
	}
	hd.Set("ETag", a.etag)
	if !a.gzipped {
		http.ServeContent(w, r, "", h.modTime, bytes.NewReader(a.body))
		return
	}
	hd.Set("Vary", "Accept-Encoding")
	hd.Set("X-Decoded-Length", strconv.Itoa(a.size))
	// Each encoding is a representation of its own, with its own ETag.
	enc := negotiate(r.Header.Get("Accept-Encoding"), a.br != nil)
	body := a.body
	switch enc {
	case "br":
		body = a.br
		hd.Set("ETag", strings.TrimSuffix(a.etag, `"`)+`-br"`)
	case "gzip":
		hd.Set("ETag", strings.TrimSuffix(a.etag, `"`)+`-gz"`)
	}
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, hd.Get("ETag")) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if enc != "" {
		hd.Set("Content-Encoding", enc)
		hd.Set("Content-Length", strconv.Itoa(len(body)))
		if r.Method != http.MethodHead {
			w.Write(body)
		}
		return
	}
	// The rare client that takes neither: decompress on the fly.
	hd.Set("Content-Length", strconv.Itoa(a.size))
	if r.Method == http.MethodHead {
		return
	}
	zr, err := gzip.NewReader(bytes.NewReader(a.body))
	if err != nil {
		http.Error(w, "corrupt build", http.StatusInternalServerError)
		return
	}
	io.Copy(w, zr)
}

// negotiate picks the content coding of the wasm for an Accept-Encoding
// header: "br" (when the build has it) or "gzip", whichever the client
// rates higher, Brotli on a tie since it is smaller, or "" for identity
// when it accepts neither. A coding the header does not name takes the
// quality of "*" when there is one, else 0; no header means identity.
func negotiate(header string, haveBr bool) string {
	q := map[string]float64{}
	for part := range strings.SplitSeq(header, ",") {
		enc, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		enc = strings.ToLower(strings.TrimSpace(enc))
		if enc == "" {
			continue
		}
		if enc == "x-gzip" {
			enc = "gzip"
		}
		quality := 1.0
		for p := range strings.SplitSeq(params, ";") {
			name, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(name), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil || f < 0 || f > 1 {
					f = 0 // a malformed weight accepts nothing
				}
				quality = f
			}
		}
		if _, seen := q[enc]; !seen {
			q[enc] = quality
		}
	}
	rate := func(enc string) float64 {
		if v, ok := q[enc]; ok {
			return v
		}
		return q["*"] // 0 when absent
	}
	br, gz := 0.0, rate("gzip")
	if haveBr {
		br = rate("br")
	}
	switch {
	case br > 0 && br >= gz:
		return "br"
	case gz > 0:
		return "gzip"
	}
	return ""
}

// notBuilt answers in place of a missing browser client build.
type notBuilt struct{}

func (notBuilt) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Retry-After", "60")
	if r.URL.Path == "/" || r.URL.Path == "/index.html" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, notBuiltPage)
		return
	}
	http.Error(w, ErrNotBuilt.Error(), http.StatusServiceUnavailable)
}

const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Skirmish</title>
<style>body{background:#0a0e16;color:#e6edf3;font:16px/1.5 system-ui,sans-serif;display:grid;place-items:center;height:100vh;margin:0}
code{background:#1a2233;padding:2px 6px;border-radius:4px}</style></head>
<body><main><h1>Skirmish</h1><p>The web client is not built: run <code>make web</code> (or <code>make run</code>) and restart the server.</p>
<p>The game server itself is running: WebSocket players connect to <code>/ws</code>.</p></main></body></html>
`
