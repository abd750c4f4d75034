package record

import (
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Limits of the recordings handler.
const (
	// MaxListed is the most recordings a listing names (the newest).
	MaxListed = 1000
	// MaxServed is the largest recording served: a 5-minute 16-player
	// match is well under 1 MB.
	MaxServed = 64 << 20
	maxName   = 128
)

// Listed is one recording of a listing. Match and Started come from the
// file's name, when the recorder wrote it (empty otherwise); Modified is
// its last write, so Modified − Started is about how long the match ran
// (so far, for a match still running).
type Listed struct {
	Name     string    `json:"name"`
	Size     int64     `json:"size"`
	Modified time.Time `json:"modified"`
	Match    string    `json:"match,omitempty"`
	Started  time.Time `json:"started,omitzero"`
}

// Handler serves the recordings of dir under /replays/ (the client's
// REPLAYS menu and replay viewer fetch them): GET /replays/ lists them as
// JSON (Listed), newest first, at most MaxListed; GET or HEAD /replays/NAME.skrec sends
// one as application/octet-stream (ranges allowed). Only plain files of
// dir itself with a recording's name are served: a name with a path,
// "..", odd characters or another extension is a 400, an unknown one a
// 404, one over MaxServed a 413.
func Handler(dir string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "recordings are read with GET or HEAD", http.StatusMethodNotAllowed)
			return
		}
		name, ok := strings.CutPrefix(r.URL.Path, "/replays/")
		if !ok {
			http.NotFound(w, r)
			return
		}
		if name == "" {
			serveList(w, dir)
			return
		}
		if !validName(name) {
			http.Error(w, "bad recording name: a recording is NAME"+Ext+" with letters, digits, '-', '_' and '.'", http.StatusBadRequest)
			return
		}
		path := filepath.Join(dir, name)
		// Plain files only: no link out of the directory, no device.
		if st, err := os.Lstat(path); err == nil && !st.Mode().IsRegular() {
			http.Error(w, "no recording "+name, http.StatusNotFound)
			return
		}
		f, err := os.Open(path)
		if errors.Is(err, fs.ErrNotExist) {
			http.Error(w, "no recording "+name, http.StatusNotFound)
			return
		}
		if err != nil {
			http.Error(w, "recording unavailable", http.StatusInternalServerError)
			return
		}
		defer f.Close()
		st, err := f.Stat()
		switch {
		case err != nil:
			http.Error(w, "recording unavailable", http.StatusInternalServerError)
			return
		case !st.Mode().IsRegular():
			http.Error(w, "no recording "+name, http.StatusNotFound)
			return
		case st.Size() > MaxServed:
			http.Error(w, "recording too large to serve", http.StatusRequestEntityTooLarge)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Cache-Control", "no-cache") // a running match's file grows
		http.ServeContent(w, r, name, st.ModTime(), f)
	})
}

// validName accepts a recording's base name: what fileName writes.
func validName(name string) bool {
	if len(name) > maxName || !strings.HasSuffix(name, Ext) || len(name) == len(Ext) || name[0] == '.' || strings.Contains(name, "..") {
		return false
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// serveList writes the newest recordings of dir as JSON.
func serveList(w http.ResponseWriter, dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		http.Error(w, "recordings unavailable", http.StatusInternalServerError)
		return
	}
	list := []Listed{}
	for _, e := range entries {
		if !e.Type().IsRegular() || !validName(e.Name()) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed meanwhile
		}
		l := Listed{Name: e.Name(), Size: info.Size(), Modified: info.ModTime().UTC()}
		if id, start, ok := parseName(e.Name()); ok {
			l.Match, l.Started = id, start
		}
		list = append(list, l)
	}
	slices.SortFunc(list, func(a, b Listed) int {
		if c := b.Modified.Compare(a.Modified); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	list = list[:min(len(list), MaxListed)]
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	json.NewEncoder(w).Encode(list)
}
