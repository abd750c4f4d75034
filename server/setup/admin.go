package setup

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"net/http/pprof"
	"os"
	"strings"

	"github.com/skirmishgg/skirmish/server/matchapi"
)

// operatorPaths are the routes for operators only: the metrics, the
// profiler, and the matchmaker's views of every ticket and match. With an
// admin address they are served there and nowhere else.
var operatorPaths = []string{
	"/metrics",
	"/debug/pprof/",
	"/v1/matchmaking/stats",
	"/v1/matchmaking/tickets/",
	"/v1/matches/",
}

// isOperatorPath reports whether p is one of operatorPaths (a prefix for
// those ending in a slash).
func isOperatorPath(p string) bool {
	for _, op := range operatorPaths {
		if p == op || (strings.HasSuffix(op, "/") && strings.HasPrefix(p, op)) || p+"/" == op {
			return true
		}
	}
	return false
}

// PlayerHandler serves app to players when operators have an address of
// their own: every operator route answers 404 here.
func PlayerHandler(app http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isOperatorPath(r.URL.Path) {
			http.NotFound(w, r)
			return
		}
		app.ServeHTTP(w, r)
	})
}

// AdminHandler serves operators: app's operator routes (with the full
// ticket explanations, matchapi.AsOperator), /healthz and /readyz, and
// the profiler. When token is not empty every route but the probes
// (/healthz, /readyz) needs "Authorization: Bearer <token>".
func AdminHandler(app http.Handler, token string) http.Handler {
	mux := http.NewServeMux()
	op := matchapi.AsOperator(app)
	mux.Handle("GET /metrics", op)
	mux.Handle("GET /v1/matchmaking/stats", op)
	mux.Handle("GET /v1/matchmaking/tickets/{id}", op)
	mux.Handle("GET /v1/matches/{id}", op)
	mux.Handle("GET /replays/", app) // the recordings, when recording
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	guarded := RequireBearer(mux, token)
	root := http.NewServeMux()
	root.Handle("GET /healthz", app) // probes stay open
	root.Handle("GET /readyz", app)
	root.Handle("/", guarded)
	return root
}

// replaysPath is where the recordings of -record are served.
const replaysPath = "/replays/"

// ReplaysForPlayers decides whether the player address serves the
// recordings (/replays/, from app) to the clients' REPLAYS menu and viewer:
// only when serve is set (-serve-replays); otherwise they are an
// operator's, on the admin address.
func ReplaysForPlayers(h, app http.Handler, serve bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, replaysPath) {
			h.ServeHTTP(w, r)
			return
		}
		if !serve {
			http.Error(w, "recordings are served on the admin address (-admin-addr), or here with -serve-replays", http.StatusNotFound)
			return
		}
		app.ServeHTTP(w, r)
	})
}

// SharedHandler serves players and operators on one address (no admin
// address): app as it is, its operator routes behind the bearer token
// when there is one.
func SharedHandler(app http.Handler, token string) http.Handler {
	if token == "" {
		return app
	}
	guarded := RequireBearer(app, token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isOperatorPath(r.URL.Path) {
			guarded.ServeHTTP(w, r)
			return
		}
		app.ServeHTTP(w, r)
	})
}

// RequireBearer serves h only to requests with "Authorization: Bearer
// token", compared in constant time; others get 401. An empty token
// guards nothing.
func RequireBearer(h http.Handler, token string) http.Handler {
	if token == "" {
		return h
	}
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get("Authorization"))
		if subtle.ConstantTimeCompare(got, want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="skirmish admin"`)
			http.Error(w, "unauthorized: operator endpoints need Authorization: Bearer <the token of -admin-token-file>", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// ReadAdminToken reads the bearer token operators must send from file
// (surrounding white space trimmed). An empty file is an error: it would
// guard nothing.
func ReadAdminToken(file string) (string, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("admin token: %w", err)
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" {
		return "", fmt.Errorf("admin token: %s is empty", file)
	}
	if strings.ContainsAny(tok, " \t\r\n") {
		return "", fmt.Errorf("admin token: %s holds more than one word", file)
	}
	return tok, nil
}
