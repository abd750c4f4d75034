package record_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/server/record"
)

// TestHandler: the recordings handler lists and serves only the
// recordings of its directory, and refuses anything else with a clear
// status.
func TestHandler(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "rec")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(path, body string, age time.Duration) {
		t.Helper()
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		at := time.Now().Add(-age)
		os.Chtimes(path, at, at)
	}
	write(filepath.Join(dir, "m1-20261204T120000.000Z.skrec"), "old match", time.Hour)
	write(filepath.Join(dir, "m2-20261204T130000.000Z.skrec"), "new match", time.Minute)
	write(filepath.Join(dir, "notes.txt"), "not a recording", 0)
	write(filepath.Join(root, "secret.skrec"), "outside the directory", 0)
	os.Mkdir(filepath.Join(dir, "sub.skrec"), 0o755)
	if err := os.Symlink(filepath.Join(root, "secret.skrec"), filepath.Join(dir, "link.skrec")); err != nil {
		t.Fatal(err)
	}
	h := record.Handler(dir)

	for _, tc := range []struct {
		name, method, target string
		status               int
		body, ctype          string
	}{
		{"a recording", "GET", "/replays/m1-20261204T120000.000Z.skrec", 200, "old match", "application/octet-stream"},
		{"HEAD", "HEAD", "/replays/m2-20261204T130000.000Z.skrec", 200, "", "application/octet-stream"},
		{"unknown", "GET", "/replays/m3.skrec", 404, "no recording m3.skrec", ""},
		{"traversal", "GET", "/replays/../secret.skrec", 400, "bad recording name", ""},
		{"encoded traversal", "GET", "/replays/..%2Fsecret.skrec", 400, "bad recording name", ""},
		{"a path", "GET", "/replays/sub.skrec/x.skrec", 400, "bad recording name", ""},
		{"not a recording", "GET", "/replays/notes.txt", 400, "bad recording name", ""},
		{"hidden", "GET", "/replays/.skrec", 400, "bad recording name", ""},
		{"odd characters", "GET", "/replays/m%001.skrec", 400, "bad recording name", ""},
		{"too long", "GET", "/replays/" + strings.Repeat("a", 200) + ".skrec", 400, "bad recording name", ""},
		{"a directory", "GET", "/replays/sub.skrec", 404, "no recording", ""},
		{"POST", "POST", "/replays/m1-20261204T120000.000Z.skrec", 405, "GET or HEAD", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.target, nil))
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d (%s)", rec.Code, tc.status, rec.Body)
			}
			if !strings.Contains(rec.Body.String(), tc.body) || (tc.method == "HEAD" && rec.Body.Len() != 0) {
				t.Fatalf("body %q, want %q", rec.Body, tc.body)
			}
			if ct := rec.Header().Get("Content-Type"); tc.ctype != "" && ct != tc.ctype {
				t.Fatalf("Content-Type %q, want %q", ct, tc.ctype)
			}
			if tc.method == "HEAD" && rec.Header().Get("Content-Length") != "9" {
				t.Fatalf("HEAD Content-Length %q", rec.Header().Get("Content-Length"))
			}
		})
	}

	// The listing: the recordings only, newest first, as JSON. The link
	// out of the directory is not a plain file: it is neither listed nor
	// served.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/replays/", nil))
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("listing: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	var list []record.Listed
	if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range list {
		names = append(names, l.Name)
	}
	if got := strings.Join(names, " "); got != "m2-20261204T130000.000Z.skrec m1-20261204T120000.000Z.skrec" {
		t.Fatalf("listing %q", got)
	}
	if list[0].Size != 9 {
		t.Fatalf("size %d", list[0].Size)
	}
	// The match and its start, from the name the recorder gave the file.
	if want := time.Date(2026, 12, 4, 13, 0, 0, 0, time.UTC); list[0].Match != "m2" || !list[0].Started.Equal(want) {
		t.Fatalf("listed match %q started %v, want m2 at %v", list[0].Match, list[0].Started, want)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/replays/link.skrec", nil))
	if rec.Code != http.StatusNotFound {
		t.Fatalf("a symlink out of the directory: %d %q", rec.Code, rec.Body)
	}
}
