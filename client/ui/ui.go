package ui

import (
	"context"
	"image"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/skirmishgg/skirmish/client/clientnet"
	"github.com/skirmishgg/skirmish/client/ui/play"
	"github.com/skirmishgg/skirmish/game/arena"
)

// Options configures the client.
type Options struct {
	// Server and Name fill the menu's fields. Server is a WebSocket URL or
	// host:port.
	Server, Name string
	// Rules must match the server's game (default arena.New(nil), what
	// `skirmish serve` runs).
	Rules *arena.Rules
	// InterpDelay is how far in the past other players are drawn (default
	// play.DefaultInterpDelay).
	InterpDelay time.Duration
	// HideServer puts the menu's SERVER field behind an "advanced" toggle:
	// for a page the server served itself, whose address is the right one.
	HideServer bool
	// Join presses Play at start, skipping the menu.
	Join bool
	// Spectate watches the running match of that ID at start, skipping
	// the menu (a link: -spectate, ?spectate=).
	Spectate string
	// Autoplay plays by itself through the same input path as the
	// keyboard and mouse (it holds movement keys, aims at the nearest
	// player and holds fire) and plays again after each match: for tests,
	// demos and load measurements. It implies Join.
	Autoplay bool
	// OnPhase, when set, is called on the game goroutine whenever the
	// screen changes (the browser build mirrors it into the page).
	OnPhase func(play.Phase, play.State)
	// OnFirstFrame, when set, is called once, right after the first frame
	// that shows a snapshot of a match has been drawn.
	OnFirstFrame func()
	// OnNetStats, when set, is called on the game goroutine with the
	// network figures of each match frame, those the HUD shows (the
	// browser build mirrors the PING into the page for tests).
	OnNetStats func(play.NetStats)
	// Party is an invite code to join and queue with (see play.Config).
	Party string
	// Identities keeps the player's guest identity (default: the
	// platform's, see clientnet.DefaultIdentityStore).
	Identities clientnet.IdentityStore
	// Replay, when set, plays this recording (a .skrec file, or an
	// http(s) URL such as a server's /replays/NAME) instead of the menu.
	Replay string
	// OnReplay, when set, is called on the game goroutine whenever the
	// replay's status changes (the browser build mirrors it into the
	// page).
	OnReplay func(ReplayStatus)
	// OnMenu, when set, is called on the game goroutine whenever the
	// menu's focus or the list open over it changes (the browser build
	// mirrors it into the page, for tests that drive the menu by keys).
	OnMenu func(MenuStatus)
}

// Game is the client as an ebiten.Game.
type Game struct {
	ctx   context.Context // bounds the client's connections and downloads
	opts  Options
	arena play.Arena // the server's, from the newest scene
	m     *play.Machine

	scale    float64 // device scale factor: UI sizes are multiplied by it
	w, h     float64 // screen size, pixels
	lastDraw time.Time
	frame    int

	in     inputState
	menu   menuState
	match  matchState
	auto   *autoplay
	joined bool // Join was pressed (once)
	phase  play.Phase

	timing    frameTiming
	shotQueue []func(*image.RGBA)
	firstDone bool
	inject    []func(*inputState) // tests press keys through these
	replay    *replayState        // the replay viewer, while it shows (Options.Replay, or REPLAYS)
}

// New returns the client. ctx bounds its connections.
func New(ctx context.Context, opts Options) *Game {
	if opts.Rules == nil {
		opts.Rules = arena.New(nil)
	}
	g := &Game{
		ctx:  ctx,
		opts: opts,
		m: play.NewMachine(ctx, play.Config{
			URL: opts.Server, Name: opts.Name, Rules: opts.Rules, InterpDelay: opts.InterpDelay, Spectate: opts.Spectate,
			Identities: opts.Identities, Party: opts.Party,
		}),
		scale: 1,
	}
	g.menu.focus = fieldName
	if opts.Replay != "" {
		g.replay = startReplay(ctx, opts.Replay)
		return g
	}
	if opts.Autoplay {
		g.auto = &autoplay{}
		g.opts.Join = true
	}
	if opts.Spectate != "" {
		g.opts.Join = true
	}
	return g
}

// Machine is the client's screen state machine.
func (g *Game) Machine() *play.Machine { return g.m }

// Run opens a resizable window and runs the client until it is closed.
func Run(g *Game) error {
	ebiten.SetWindowTitle("Skirmish")
	ebiten.SetWindowSize(1280, 720)
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	// Every screen paints every pixel itself.
	ebiten.SetScreenClearedEveryFrame(false)
	return ebiten.RunGame(g)
}

// Update implements ebiten.Game: it reads the devices and advances the
// screens. Ebitengine calls it 60 times a second.
func (g *Game) Update() error {
	start := time.Now()
	defer func() { g.timing.addUpdate(time.Since(start)) }()

	g.in.poll(g.auto != nil)
	if g.auto != nil {
		g.auto.drive(g, &g.in)
	}
	for _, fn := range g.inject {
		fn(&g.in)
	}
	g.inject = g.inject[:0]
	if g.replay != nil {
		g.updateReplay()
		return nil
	}
	if g.opts.Join && !g.joined {
		g.joined = true
		g.m.Play()
	}
	switch g.m.Phase() {
	case play.PhaseMenu:
		g.updateMenu()
	case play.PhaseConnecting, play.PhaseWaiting:
		if g.in.back {
			g.m.Leave()
		}
	case play.PhasePlaying:
		g.updateMatch()
	case play.PhaseResults:
		g.updateResults()
	}
	g.m.Update()
	if p := g.m.Phase(); p != g.phase {
		g.enter(p)
	}
	return nil
}

// enter runs when the screen changes.
func (g *Game) enter(p play.Phase) {
	g.phase = p
	if p == play.PhasePlaying {
		g.match.reset()
		ebiten.SetCursorMode(ebiten.CursorModeHidden)
	} else {
		ebiten.SetCursorMode(ebiten.CursorModeVisible)
	}
	if g.opts.OnPhase != nil {
		g.opts.OnPhase(p, g.m.State())
	}
}

// Draw implements ebiten.Game.
func (g *Game) Draw(screen *ebiten.Image) {
	start := time.Now()
	now := start
	dt := 0.0
	if !g.lastDraw.IsZero() {
		dt = min(now.Sub(g.lastDraw).Seconds(), 0.25)
		g.timing.addFrame(now.Sub(g.lastDraw))
	}
	g.lastDraw = now
	g.frame++
	b := screen.Bounds()
	g.w, g.h = float64(b.Dx()), float64(b.Dy())

	shown := false
	if g.replay != nil {
		shown = g.drawReplay(screen, now, dt)
	} else {
		shown = g.drawPhase(screen, g.m.Phase(), now, dt)
	}
	g.timing.addDraw(time.Since(start))
	g.afterDraw(screen, shown)
}

// drawPhase draws the screen of phase p and reports whether it showed a
// snapshot of a match.
func (g *Game) drawPhase(screen *ebiten.Image, p play.Phase, now time.Time, dt float64) bool {
	switch p {
	case play.PhaseMenu:
		g.drawMenu(screen, now)
	case play.PhaseConnecting, play.PhaseWaiting:
		g.drawWaiting(screen, now)
	case play.PhasePlaying:
		return g.drawMatch(screen, now, dt)
	case play.PhaseResults:
		g.drawResults(screen, now)
	}
	return false
}

// afterDraw hands the frame to the screenshots asked for and reports the
// first frame that showed a match.
func (g *Game) afterDraw(screen *ebiten.Image, shown bool) {
	b := screen.Bounds()

	if len(g.shotQueue) > 0 {
		img := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		screen.ReadPixels(img.Pix)
		for _, fn := range g.shotQueue {
			fn(img)
		}
		g.shotQueue = g.shotQueue[:0]
	}
	if shown && !g.firstDone {
		g.firstDone = true
		if g.opts.OnFirstFrame != nil {
			g.opts.OnFirstFrame()
		}
	}
}

// Screenshot asks for the next frame's pixels: fn is called with them on
// the game goroutine, right after that frame is drawn.
func (g *Game) Screenshot(fn func(*image.RGBA)) {
	g.shotQueue = append(g.shotQueue, fn)
}

// LayoutF implements ebiten.LayoutFer: the screen has the window's size in
// device pixels, so the arena is sharp on high-DPI displays and shows more
// of itself in a bigger window.
func (g *Game) LayoutF(w, h float64) (float64, float64) {
	s := 1.0
	if m := ebiten.Monitor(); m != nil {
		s = m.DeviceScaleFactor()
	}
	if s <= 0 {
		s = 1
	}
	g.scale = s
	return max(w*s, 1), max(h*s, 1)
}

// Layout implements ebiten.Game; LayoutF takes precedence.
func (g *Game) Layout(w, h int) (int, int) {
	fw, fh := g.LayoutF(float64(w), float64(h))
	return int(fw), int(fh)
}

// ui is the UI scale: device scale, smaller on small screens and larger
// on big ones.
func (g *Game) ui() float64 { return uiScale(g.scale, g.h) }

// uiScale is the UI scale of a screen h pixels high at device scale
// scale: 1 at 900 logical pixels, within [0.75, 1.6].
func uiScale(scale, h float64) float64 {
	if h <= 0 || scale <= 0 {
		return max(scale, 1)
	}
	return scale * max(0.75, min(h/scale/900, 1.6))
}

// FrameStats are the client's frame timings.
type FrameStats = frameStats

// Timing returns the frame timings so far.
func (g *Game) Timing() FrameStats { return g.timing.stats() }

// ResetTiming forgets the frame timings so far.
func (g *Game) ResetTiming() { g.timing = frameTiming{} }
