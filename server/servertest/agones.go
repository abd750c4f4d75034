package servertest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// AgonesCall is one request the fake Agones SDK server received.
type AgonesCall struct {
	Method, Path, Body string
}

// AgonesSDK is a fake Agones SDK server: it speaks the REST paths of the
// SDK sidecar (lifecycle, GameServer, labels, Counters) on loopback,
// records every call, and keeps the GameServer's state, labels and
// counters as the sidecar would. It can be made to fail every call.
type AgonesSDK struct {
	// URL is the server's base address (http://127.0.0.1:port).
	URL string

	srv *httptest.Server

	mu       sync.Mutex
	calls    []AgonesCall
	failing  bool
	state    string
	labels   map[string]string
	counters map[string][2]int64 // count, capacity
}

// StartAgonesSDK runs a fake Agones SDK server until the test ends.
func StartAgonesSDK(t testing.TB) *AgonesSDK {
	t.Helper()
	f := &AgonesSDK{state: "Scheduled", labels: map[string]string{}, counters: map[string][2]int64{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	f.URL = f.srv.URL
	t.Cleanup(f.srv.Close)
	return f
}

// Close stops the server: later calls fail to connect, as with a dead
// sidecar.
func (f *AgonesSDK) Close() { f.srv.Close() }

// SetFailing makes every call answer 503 (true) or work again (false).
func (f *AgonesSDK) SetFailing(fail bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failing = fail
}

// Calls returns the calls received so far, in order.
func (f *AgonesSDK) Calls() []AgonesCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]AgonesCall(nil), f.calls...)
}

// Count returns how many calls were made to path with method.
func (f *AgonesSDK) Count(method, path string) int {
	n := 0
	for _, c := range f.Calls() {
		if c.Method == method && c.Path == path {
			n++
		}
	}
	return n
}

// State is the GameServer's state: Scheduled, Ready, Allocated or
// Shutdown.
func (f *AgonesSDK) State() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.state
}

// Label returns the value of a label set through the SDK (without the
// agones.dev/sdk- prefix the sidecar adds).
func (f *AgonesSDK) Label(key string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.labels[key]
}

// Counter returns a counter's count and capacity.
func (f *AgonesSDK) Counter(name string) (count, capacity int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.counters[name]
	return c[0], c[1]
}

func (f *AgonesSDK) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, AgonesCall{Method: r.Method, Path: r.URL.Path, Body: string(body)})
	if f.failing {
		http.Error(w, "sdk server unavailable", http.StatusServiceUnavailable)
		return
	}
	// The lifecycle calls and the state each moves the GameServer to.
	lifecycle := map[string]string{"/ready": "Ready", "/allocate": "Allocated", "/shutdown": "Shutdown", "/health": ""}
	_, isLifecycle := lifecycle[r.URL.Path]
	switch {
	case r.Method == http.MethodPost && isLifecycle:
		if !json.Valid(body) {
			http.Error(w, "body is not JSON", http.StatusBadRequest)
			return
		}
		if s := lifecycle[r.URL.Path]; s != "" {
			f.state = s
		}
		io.WriteString(w, "{}")
	case r.Method == http.MethodGet && r.URL.Path == "/gameserver":
		json.NewEncoder(w).Encode(map[string]any{
			"object_meta": map[string]any{"name": "gs-test", "namespace": "default", "labels": f.labels},
			"status":      map[string]any{"state": f.state},
		})
	case r.Method == http.MethodPut && r.URL.Path == "/metadata/label":
		var kv struct{ Key, Value string }
		if err := json.Unmarshal(body, &kv); err != nil || kv.Key == "" {
			http.Error(w, "want {\"key\":…,\"value\":…}", http.StatusBadRequest)
			return
		}
		f.labels[kv.Key] = kv.Value
		io.WriteString(w, "{}")
	case r.Method == http.MethodPatch && strings.HasPrefix(r.URL.Path, "/v1beta1/counters/"):
		name := strings.TrimPrefix(r.URL.Path, "/v1beta1/counters/")
		// int64 fields are JSON strings in the REST gateway (protojson).
		var u struct {
			Count    *string `json:"count"`
			Capacity *string `json:"capacity"`
		}
		if err := json.Unmarshal(body, &u); err != nil {
			http.Error(w, "bad counter update: "+err.Error(), http.StatusBadRequest)
			return
		}
		c := f.counters[name]
		for i, v := range []*string{u.Count, u.Capacity} {
			if v == nil {
				continue
			}
			n, err := strconv.ParseInt(*v, 10, 64)
			if err != nil || n < 0 {
				http.Error(w, "bad counter value", http.StatusBadRequest)
				return
			}
			c[i] = n
		}
		if c[1] > 0 && c[0] > c[1] {
			http.Error(w, "count over capacity", http.StatusBadRequest)
			return
		}
		f.counters[name] = c
		json.NewEncoder(w).Encode(map[string]string{"name": name, "count": strconv.FormatInt(c[0], 10), "capacity": strconv.FormatInt(c[1], 10)})
	default:
		http.Error(w, "not an SDK path", http.StatusNotFound)
	}
}
