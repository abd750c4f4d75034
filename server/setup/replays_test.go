package setup_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/setup"
)

// TestReplaysRouting: the recordings are an operator's on the admin
// address, and reach the player address only with ServeReplays
// (-serve-replays).
func TestReplaysRouting(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "m1-x.skrec"), []byte("rec"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name          string
		adminAddr     bool
		serveReplays  bool
		player, admin int // status of /replays/m1-x.skrec on each
	}{
		{"admin address", true, false, 404, 200},
		{"admin address and -serve-replays", true, true, 200, 200},
		{"one address", false, false, 404, 0},
		{"one address and -serve-replays", false, true, 200, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := setup.ServeOptions{ServeReplays: tc.serveReplays}
			if tc.adminAddr {
				opts.AdminAddr = "127.0.0.1:0"
			}
			player, admin := serveWith(t, opts, server.Options{RecordDir: dir})
			code, body := request(t, player+"/replays/m1-x.skrec", "")
			if code != tc.player {
				t.Fatalf("player address: %d %q, want %d", code, body, tc.player)
			}
			if code == 404 && !strings.Contains(body, "-serve-replays") {
				t.Fatalf("the 404 does not say how to serve them: %q", body)
			}
			if code == 200 {
				if code, body := request(t, player+"/replays/", ""); code != 200 || !strings.Contains(body, `"m1-x.skrec"`) {
					t.Fatalf("player listing: %d %q", code, body)
				}
			}
			if admin != "" {
				if code, body := request(t, admin+"/replays/m1-x.skrec", ""); code != tc.admin || body != "rec" {
					t.Fatalf("admin address: %d %q, want %d", code, body, tc.admin)
				}
			}
		})
	}
}
