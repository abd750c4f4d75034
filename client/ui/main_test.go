package ui

import (
	"flag"
	"fmt"
	"image"
	"os"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hajimehoshi/ebiten/v2"
)

// Tests that draw need a display (run them under `xvfb-run -a`): TestMain
// then runs Ebitengine on the main goroutine and the tests on another; a
// test hands the running game a client to drive (runner.set) and runs code
// on the game goroutine with runner.do. Without a display those tests skip.
var runner *testGame

func TestMain(m *testing.M) {
	flag.Parse()
	if os.Getenv("DISPLAY") == "" || testing.Short() {
		os.Exit(m.Run())
	}
	runner = &testGame{}
	ebiten.SetWindowTitle("Skirmish (test)")
	ebiten.SetWindowSize(1280, 720)
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	ebiten.SetRunnableOnUnfocused(true)
	ebiten.SetScreenClearedEveryFrame(false)
	var code atomic.Int32
	runner.start = func() {
		go func() {
			code.Store(int32(m.Run()))
			runner.finished.Store(true)
		}()
	}
	if err := ebiten.RunGame(runner); err != nil {
		fmt.Fprintln(os.Stderr, "ebiten:", err)
		os.Exit(1)
	}
	os.Exit(int(code.Load()))
}

// testGame hosts the client under test inside the one Ebitengine loop a
// process can run.
type testGame struct {
	start    func()
	started  bool
	finished atomic.Bool

	mu    sync.Mutex
	child *Game
	queue []func()
}

func (t *testGame) set(g *Game) {
	t.mu.Lock()
	t.child = g
	t.mu.Unlock()
}

// do runs fn on the game goroutine before the next Update and waits.
func (t *testGame) do(fn func()) {
	done := make(chan struct{})
	t.mu.Lock()
	t.queue = append(t.queue, func() { fn(); close(done) })
	t.mu.Unlock()
	<-done
}

func (t *testGame) Update() error {
	if !t.started {
		t.started = true
		t.start()
	}
	if t.finished.Load() {
		return ebiten.Termination
	}
	t.mu.Lock()
	q := t.queue
	t.queue = nil
	c := t.child
	t.mu.Unlock()
	for _, fn := range q {
		fn()
	}
	if c != nil {
		return c.Update()
	}
	return nil
}

func (t *testGame) Draw(screen *ebiten.Image) {
	t.mu.Lock()
	c := t.child
	t.mu.Unlock()
	if c != nil {
		c.Draw(screen)
	}
}

func (t *testGame) Layout(w, h int) (int, int) { return w, h }

func (t *testGame) LayoutF(w, h float64) (float64, float64) {
	t.mu.Lock()
	c := t.child
	t.mu.Unlock()
	if c != nil {
		return c.LayoutF(w, h)
	}
	return w, h
}

// screenshot takes the next frame of g.
func screenshot(g *Game) *image.RGBA {
	ch := make(chan *image.RGBA, 1)
	runner.do(func() { g.Screenshot(func(img *image.RGBA) { ch <- img }) })
	return <-ch
}
