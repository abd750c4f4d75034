package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/client/clientnet"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/servertest"
	"github.com/skirmishgg/skirmish/server/setup"
)

// maxWasmWireBytes bounds the client's download: the wasm's bytes over the
// wire, headers included.
const maxWasmWireBytes = 4_000_000

// result is what play.mjs prints.
type result struct {
	OK         bool     `json:"ok"`
	Errors     []string `json:"errors"`
	Player     uint32   `json:"player"`
	Clicks     int      `json:"clicks"`
	PhaseAfter string   `json:"phaseAfter"`
	Timing     struct {
		FirstFrameMs      float64 `json:"firstFrameMs"`
		ReadyMs           float64 `json:"readyMs"`
		CompiledMs        float64 `json:"compiledMs"`
		WasmTransferBytes int     `json:"wasmTransferBytes"`
		WasmEncodedBytes  int     `json:"wasmEncodedBytes"`
		WasmDecodedBytes  int     `json:"wasmDecodedBytes"`
		WasmDownloadMs    float64 `json:"wasmDownloadMs"`
	} `json:"timing"`
}

// browserEnv is what a browser test needs: the web build and Chromium.
type browserEnv struct {
	web      fs.FS
	chromium string
}

func needBrowser(t *testing.T) browserEnv {
	t.Helper()
	dir := os.Getenv("SKIRMISH_WEB_DIR")
	if dir == "" {
		t.Skip("set SKIRMISH_WEB_DIR to a web build (make test-web does)")
	}
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	for _, need := range []string{chromium, "../node_modules/playwright-core"} {
		if _, err := os.Stat(need); err != nil {
			t.Fatalf("missing %s (make deps-client installs it): %v", need, err)
		}
	}
	web := os.DirFS(dir)
	if _, err := fs.Stat(web, "index.html"); err != nil {
		t.Fatalf("web build %s: %v", dir, err)
	}
	return browserEnv{web: web, chromium: chromium}
}

// runNode runs a script of this directory with the base URL, a screenshot
// path and a player name (and extra environment variables, "K=V"), and
// decodes the JSON line it prints into res.
func runNode(t *testing.T, ctx context.Context, env browserEnv, script, base, shotName, name string, res any, extraEnv ...string) (shot string) {
	t.Helper()
	artifacts := os.Getenv("SKIRMISH_ARTIFACTS")
	if artifacts == "" {
		artifacts = t.TempDir()
	}
	os.MkdirAll(artifacts, 0o755)
	shot, _ = filepath.Abs(filepath.Join(artifacts, shotName))
	cmd := exec.CommandContext(ctx, "node", "e2e/"+script, base, shot, name)
	cmd.Dir = ".."
	cmd.Env = append(append(os.Environ(), "CHROMIUM="+env.chromium), extraEnv...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	t.Logf("browser log:\n%s", stderr.String())
	var out struct {
		OK     bool     `json:"ok"`
		Errors []string `json:"errors"`
	}
	line := bytes.TrimSpace(stdout.Bytes())
	if err := errors.Join(json.Unmarshal(line, &out), json.Unmarshal(line, res)); err != nil {
		t.Fatalf("%s: %v; output %q", script, errors.Join(runErr, err), stdout.String())
	}
	for _, e := range out.Errors {
		t.Errorf("browser: %s", e)
	}
	if runErr != nil || !out.OK {
		t.Fatalf("%s failed (%v): %s", script, runErr, line)
	}
	return shot
}

// TestBrowserPlays serves the web build and the game on a loopback port,
// has headless Chromium load the page, play through the menu, hold W and
// click, and checks through a second player in the same match that the
// browser's player moved up and fired. Console errors fail it.
func TestBrowserPlays(t *testing.T) {
	env := needBrowser(t)
	base := servertest.StartStack(t, setup.Options{Direct: arena.New(nil), Web: env.web}).HTTP

	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	const name = "e2e-browser"
	w, err := watch(ctx, "ws"+strings.TrimPrefix(base, "http")+"/ws", name)
	if err != nil {
		t.Fatal(err)
	}
	var res result
	shot := runNode(t, ctx, env, "play.mjs", base, "browser-client.png", name, &res)
	tm := res.Timing
	t.Logf("page load → first rendered snapshot: %.0f ms (wasm compiled at %.0f ms, game running at %.0f ms); wasm %d bytes over the wire (%d decoded) in %.0f ms",
		tm.FirstFrameMs, tm.CompiledMs, tm.ReadyMs, tm.WasmTransferBytes, tm.WasmDecodedBytes, tm.WasmDownloadMs)
	t.Logf("screenshot: %s", shot)
	// Issue 14: the client downloads in at most 4 MB (10⁶ bytes), headers
	// included; the server sends the Brotli build to a browser that takes
	// it.
	switch {
	case tm.WasmTransferBytes <= 0:
		t.Errorf("the browser's resource timing has no transfer size for the wasm (%d)", tm.WasmTransferBytes)
	case tm.WasmTransferBytes > maxWasmWireBytes:
		t.Errorf("the wasm took %d bytes over the wire (%d encoded), want ≤ %d: is the Brotli build (make web, with brotli installed) there?",
			tm.WasmTransferBytes, tm.WasmEncodedBytes, maxWasmWireBytes)
	}

	w.mu.Lock()
	defer w.mu.Unlock()
	if w.id == 0 || w.id != res.Player {
		t.Fatalf("the server saw player %d named %q, the page says it is %d", w.id, name, res.Player)
	}
	up := float64(w.first[1]-w.minY) / arena.ViewUnitsPerUnit
	t.Logf("through the server: the browser's player moved %.0f units up (%.0f from its start) and fired %d bullets in %d clicks",
		up, w.moved, len(w.bullets), res.Clicks)
	if up < 40 {
		t.Errorf("the browser's player moved %.0f units up while W was held, want ≥ 40", up)
	}
	if len(w.bullets) == 0 {
		t.Error("the browser's player fired no bullet")
	}
}

// watcher is a player in the same match that records what the server says
// about another player, found by name.
type watcher struct {
	conn    *clientnet.Conn // its figures (Stats) for the test's report
	mu      sync.Mutex
	id      uint32
	seen    bool
	first   [2]int32
	minY    int32
	moved   float64
	bullets map[uint32]bool
	// joins are the player IDs the server gave the name, in order: one
	// per seat (a resumed seat is not joined again).
	joins []uint32
	// track is where the server had the player, snapshot by snapshot.
	track []sample
	// pings are the watcher's own ping round trips (Ping → Pong): what a
	// Go client, the bots' code, measures against the same server.
	pings []time.Duration
}

// sample is the watched player as one snapshot had it, with the local
// time the snapshot arrived.
type sample struct {
	at           time.Time
	x, y         int32
	score, death int32
}

func watch(ctx context.Context, url, name string) (*watcher, error) {
	id, err := clientnet.FetchGuest(ctx, url)
	if err != nil {
		return nil, err
	}
	c, err := clientnet.Dial(ctx, url, &clientnet.DialOptions{Name: "e2e-watcher", Identity: id.Token})
	if err != nil {
		return nil, err
	}
	context.AfterFunc(ctx, func() { c.CloseNow() })
	w := &watcher{conn: c, bullets: map[uint32]bool{}}
	go keepAcking(ctx, c)
	go func() {
		defer c.CloseNow()
		for {
			typ, err := c.Next(ctx)
			if err != nil {
				return
			}
			w.mu.Lock()
			switch typ {
			case protocol.MsgPong:
				w.pings = append(w.pings, c.Stats().PingRTT)
			case protocol.MsgJoin:
				if j := c.Join(); j.Name == name {
					w.id, w.seen = j.Player, false
					w.joins = append(w.joins, j.Player)
				}
			case protocol.MsgSnapshot:
				if w.id == 0 {
					break
				}
				_, ents := c.View()
				for _, e := range ents {
					switch {
					case e.Kind == arena.KindPlayer && e.ID == w.id:
						p := [2]int32{e.Fields[arena.PlayerX], e.Fields[arena.PlayerY]}
						if !w.seen {
							w.first, w.minY, w.seen = p, p[1], true
						}
						w.minY = min(w.minY, p[1])
						w.moved = max(w.moved, math.Hypot(float64(p[0]-w.first[0]), float64(p[1]-w.first[1]))/arena.ViewUnitsPerUnit)
						w.track = append(w.track, sample{at: time.Now(), x: p[0], y: p[1],
							score: e.Fields[arena.PlayerScore], death: e.Fields[arena.PlayerDeaths]})
					case e.Kind == arena.KindBullet && uint32(e.Fields[arena.BulletOwner]) == w.id:
						w.bullets[e.ID] = true
					}
				}
			}
			w.mu.Unlock()
		}
	}()
	return w, nil
}

// keepAcking sends an idle input and a ping now and then: the server
// closes clients that stop acknowledging snapshots, and the pings measure
// the round trip.
func keepAcking(ctx context.Context, c *clientnet.Conn) {
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := c.SendInput(ctx, protocol.Input{}); err != nil {
				return
			}
			if err := c.Ping(ctx); err != nil {
				return
			}
		}
	}
}
