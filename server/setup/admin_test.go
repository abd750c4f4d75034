package setup_test

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/servertest"
	"github.com/skirmishgg/skirmish/server/setup"
)

// serveForTest runs setup.Serve on loopback with opts, returning the
// player and admin base URLs (admin empty without one).
func serveForTest(t *testing.T, opts setup.ServeOptions) (player, admin string) {
	t.Helper()
	return serveWith(t, opts, server.Options{})
}

// serveWith is serveForTest with the server's options.
func serveWith(t *testing.T, opts setup.ServeOptions, so server.Options) (player, admin string) {
	t.Helper()
	return servertest.Serve(t, setup.Options{Server: so, Modes: arena.Modes(nil)}, opts)
}

func request(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, string(b)
}

// TestOperatorEndpointsOnlyOnAdminAddress: with -admin-addr, the player
// address serves no operator route; the admin address serves them behind
// the bearer token, and the probes without it.
func TestOperatorEndpointsOnlyOnAdminAddress(t *testing.T) {
	const token = "s3cret-operator-token"
	file := filepath.Join(t.TempDir(), "admin.token")
	if err := os.WriteFile(file, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	player, admin := serveForTest(t, setup.ServeOptions{AdminAddr: "set", AdminTokenFile: file})
	operator := []string{"/metrics", "/v1/matchmaking/stats", "/v1/matchmaking/tickets/t_0123456789abcdef01234567", "/v1/matches/m1", "/debug/pprof/", "/debug/pprof/cmdline"}
	tests := []struct {
		name  string
		base  string
		paths []string
		token string
		want  int
	}{
		{"operator routes are not on the player address", player, operator, "", http.StatusNotFound},
		{"even with the token", player, operator, token, http.StatusNotFound},
		{"probes on the player address", player, []string{"/healthz", "/readyz"}, "", http.StatusOK},
		{"admin without the token", admin, operator, "", http.StatusUnauthorized},
		{"admin with a wrong token", admin, operator, token + "x", http.StatusUnauthorized},
		{"admin probes stay open", admin, []string{"/healthz", "/readyz"}, "", http.StatusOK},
		{"admin with the token", admin, []string{"/metrics", "/v1/matchmaking/stats", "/debug/pprof/cmdline"}, token, http.StatusOK},
		{"an unknown ticket on admin", admin, []string{"/v1/matchmaking/tickets/t_0123456789abcdef01234567"}, token, http.StatusNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, p := range tc.paths {
				code, body := request(t, tc.base+p, tc.token)
				if code != tc.want {
					t.Errorf("GET %s: %d, want %d: %.200s", p, code, tc.want, body)
				}
				if code == http.StatusUnauthorized && !strings.Contains(body, "Bearer") {
					t.Errorf("GET %s: 401 without saying what is needed: %q", p, body)
				}
			}
		})
	}
}

// TestOperatorEndpointsWithoutAdminAddress: without -admin-addr the player
// address keeps serving them (make run), behind the token when set.
func TestOperatorEndpointsWithoutAdminAddress(t *testing.T) {
	const token = "another-token"
	file := filepath.Join(t.TempDir(), "admin.token")
	if err := os.WriteFile(file, []byte(token), 0o600); err != nil {
		t.Fatal(err)
	}
	open, _ := serveForTest(t, setup.ServeOptions{})
	guarded, _ := serveForTest(t, setup.ServeOptions{AdminTokenFile: file})
	tests := []struct {
		base, path, token string
		want              int
	}{
		{open, "/metrics", "", http.StatusOK},
		{open, "/v1/matchmaking/stats", "", http.StatusOK},
		{guarded, "/metrics", "", http.StatusUnauthorized},
		{guarded, "/v1/matchmaking/stats", token, http.StatusOK},
		{guarded, "/healthz", "", http.StatusOK},
	}
	for _, tc := range tests {
		if code, body := request(t, tc.base+tc.path, tc.token); code != tc.want {
			t.Errorf("GET %s (token %q): %d, want %d: %.200s", tc.path, tc.token, code, tc.want, body)
		}
	}
}

func TestAdminTokenFileRefusesEmpty(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, content string
		ok            bool
	}{
		{"a token", "abc\n", true},
		{"empty", "  \n", false},
		{"two words", "a b", false},
	}
	for _, tc := range tests {
		file := filepath.Join(dir, tc.name)
		if err := os.WriteFile(file, []byte(tc.content), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := setup.ReadAdminToken(file); (err == nil) != tc.ok {
			t.Errorf("%s: %v, want ok %v", tc.name, err, tc.ok)
		}
	}
	if _, err := setup.ReadAdminToken(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing file is accepted")
	}
}
