package ui

import (
	"context"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/skirmishgg/skirmish/client/bot"
	"github.com/skirmishgg/skirmish/client/clientnet"
	"github.com/skirmishgg/skirmish/client/ui/play"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/servertest"
)

func needDisplay(t *testing.T) {
	t.Helper()
	if runner == nil {
		t.Skip("draws: needs a display (xvfb-run -a go test ./client/ui) and no -short")
	}
}

// startServer runs `skirmish serve`'s match server (without matchmaking)
// on a loopback port and returns its WebSocket URL.
func startServer(t *testing.T) string {
	t.Helper()
	_, url := servertest.StartServer(t, arena.New(nil), nil)
	return url
}

// watcher is a player in the same match that reports what the server says
// about another player, found by name.
type watcher struct {
	mu              sync.Mutex
	id              uint32
	first, last     [2]int32
	seen            bool
	bullets         map[uint32]bool // IDs of bullets the watched player fired
	players         int
	moved, traveled float64 // world units: from the first position, and along the way
	prev            [2]int32
}

func watch(t *testing.T, ctx context.Context, url, name string) *watcher {
	t.Helper()
	c, err := clientnet.Dial(ctx, url, &clientnet.DialOptions{Name: "watcher", Identity: servertest.Guest(t, url)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	w := &watcher{bullets: map[uint32]bool{}}
	go keepAcking(ctx, c)
	go func() {
		for {
			typ, err := c.Next(ctx)
			if err != nil {
				return
			}
			w.mu.Lock()
			switch typ {
			case protocol.MsgJoin:
				if j := c.Join(); j.Name == name {
					w.id = j.Player
				}
			case protocol.MsgSnapshot:
				_, ents := c.View()
				w.players = 0
				for _, e := range ents {
					switch e.Kind {
					case arena.KindPlayer:
						w.players++
						if e.ID != w.id || w.id == 0 {
							continue
						}
						p := [2]int32{e.Fields[arena.PlayerX], e.Fields[arena.PlayerY]}
						if !w.seen {
							w.first, w.prev, w.seen = p, p, true
						}
						w.traveled += dist(w.prev, p)
						w.prev, w.last = p, p
						w.moved = dist(w.first, p)
					case arena.KindBullet:
						if w.id != 0 && uint32(e.Fields[arena.BulletOwner]) == w.id {
							w.bullets[e.ID] = true
						}
					}
				}
			}
			w.mu.Unlock()
		}
	}()
	return w
}

func dist(a, b [2]int32) float64 {
	return math.Hypot(float64(a[0]-b[0]), float64(a[1]-b[1])) / arena.ViewUnitsPerUnit
}

// artifact saves a screenshot where `make test` keeps them (or in the
// test's temporary directory).
func artifact(t *testing.T, name string, img image.Image) string {
	dir := os.Getenv("SKIRMISH_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	os.MkdirAll(dir, 0o755)
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return path
}

// drawnContent counts the distinct colours of a frame and the share of
// pixels that are not the background: a blank (or single-colour) frame has
// one colour and no share.
func drawnContent(img *image.RGBA) (colors int, share float64) {
	seen := map[[3]uint8]bool{}
	bg := [3]uint8{colBackground.R, colBackground.G, colBackground.B}
	other := 0
	n := 0
	for i := 0; i+3 < len(img.Pix); i += 4 * 7 { // every 7th pixel is plenty
		c := [3]uint8{img.Pix[i], img.Pix[i+1], img.Pix[i+2]}
		seen[c] = true
		if c != bg {
			other++
		}
		n++
	}
	return len(seen), float64(other) / float64(max(n, 1))
}

// TestNativeClientPlays runs the real client in a window: it joins a match
// by itself (Autoplay holds W, aims and fires through the input path the
// keyboard uses), and a second player in the match checks through the
// server that the client's player moved and fired. A screenshot of the
// match must show drawn content.
func TestNativeClientPlays(t *testing.T) {
	needDisplay(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	url := startServer(t)
	w := watch(t, ctx, url, "xvfb-player")

	phases := make(chan play.Phase, 16)
	g := New(ctx, Options{
		Server: url, Name: "xvfb-player", Autoplay: true, Identities: &clientnet.MemoryIdentities{},
		OnPhase: func(p play.Phase, _ play.State) { phases <- p },
	})
	runner.set(g)
	defer func() {
		runner.do(func() { g.Machine().Leave() })
		runner.set(nil)
	}()

	deadline := time.After(20 * time.Second)
	for playing := false; !playing; {
		select {
		case p := <-phases:
			playing = p == play.PhasePlaying
		case <-deadline:
			t.Fatal("the client did not reach the match")
		}
	}

	var moved, traveled float64
	var fired int
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		w.mu.Lock()
		moved, traveled, fired = w.moved, w.traveled, len(w.bullets)
		w.mu.Unlock()
		if moved > 60 && fired > 0 {
			break
		}
		if time.Since(start) > 20*time.Second {
			t.Fatalf("through the server: moved %.0f units, fired %d bullets; want > 60 and > 0", moved, fired)
		}
	}
	t.Logf("through the server: the client's player moved %.0f units (%.0f travelled) and fired %d bullets", moved, traveled, fired)

	time.Sleep(300 * time.Millisecond) // some bullets and effects in flight
	img := screenshot(g)
	path := artifact(t, "native-client.png", img)
	colors, share := drawnContent(img)
	t.Logf("screenshot %dx%d: %d colours, %.0f%% not background: %s", img.Bounds().Dx(), img.Bounds().Dy(), colors, share*100, path)
	if colors < 20 || share < 0.3 {
		t.Fatalf("the frame looks blank: %d colours, %.0f%% drawn", colors, share*100)
	}
}

// TestNativeFrameTime16 measures the client's frame time with 16 players
// in the match (the client and 15 bots): vsync off, so frames come as fast
// as the machine draws them.
func TestNativeFrameTime16(t *testing.T) {
	needDisplay(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	url := startServer(t)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		bot.Run(ctx, &bot.Options{URL: url, Bots: 15, Seed: 7, Logger: quiet()})
	}()
	defer wg.Wait()
	defer cancel()

	g := New(ctx, Options{Server: url, Name: "measured", Autoplay: true, Identities: &clientnet.MemoryIdentities{}})
	runner.set(g)
	ebiten.SetVsyncEnabled(false)
	defer func() {
		ebiten.SetVsyncEnabled(true)
		runner.do(func() { g.Machine().Leave() })
		runner.set(nil)
	}()

	players := 0
	for start := time.Now(); players < 16; time.Sleep(100 * time.Millisecond) {
		runner.do(func() { players = len(g.match.scene.Players) })
		if time.Since(start) > 20*time.Second {
			t.Fatalf("%d players in the client's view, want 16", players)
		}
	}
	time.Sleep(time.Second) // warm up: glyph caches, atlases
	runner.do(func() { g.ResetTiming() })
	const window = 5 * time.Second
	time.Sleep(window)
	var st FrameStats
	var fps float64
	var bullets int
	runner.do(func() {
		st, fps = g.Timing(), ebiten.ActualFPS()
		players, bullets = len(g.match.scene.Players), len(g.match.scene.Bullets)
	})
	img := screenshot(g)
	artifact(t, "native-client-16.png", img)
	runner.do(func() { g.match.showGraph, g.match.pinScores = true, true })
	time.Sleep(500 * time.Millisecond)
	artifact(t, "native-client-16-overlays.png", screenshot(g))
	t.Logf("16 players (%d in view, %d bullets), vsync off, %v: %d frames, %.0f fps; frame mean %v p99 %v; Update mean %v p99 %v; Draw (CPU) mean %v p99 %v",
		players, bullets, window, st.Frames, fps, st.FrameMean.Round(10*time.Microsecond), st.FrameP99.Round(10*time.Microsecond),
		st.UpdateMean.Round(time.Microsecond), st.UpdateP99.Round(time.Microsecond),
		st.DrawMean.Round(time.Microsecond), st.DrawP99.Round(time.Microsecond))
	if st.Frames < 10 {
		t.Fatalf("only %d frames in %v", st.Frames, window)
	}
}

// keepAcking sends an idle input now and then: the server closes clients
// that stop acknowledging snapshots.
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
		}
	}
}
