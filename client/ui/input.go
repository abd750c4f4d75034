package ui

import (
	"math"
	"unicode"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
	"github.com/skirmishgg/skirmish/client/ui/play"
)

// inputState is the devices' state in one Update: what the keyboard,
// mouse and gamepads say, reduced to what the screens need. The automatic
// player writes into the same struct, so it drives the client through the
// same path as a person.
type inputState struct {
	// Held.
	up, down, left, right bool
	fire                  bool
	scoreboard            bool
	cursorX, cursorY      float64 // screen pixels
	mouseMoved            bool    // the mouse moved or clicked: it aims

	// Gamepad (standard layout), after dead zones.
	padMoveX, padMoveY float64
	padAimX, padAimY   float64
	padFire            bool

	// Automatic player: aim at this world point.
	autoAim        bool
	autoAX, autoAY float64

	// Pressed this Update.
	confirm, back, tab, netgraph bool
	// Lists: ↑/↓, Page Up/Down, Home/End (with key repeat), and the
	// mouse wheel's vertical turn (positive: up).
	navUp, navDown, pageUp, pageDown, home, end bool
	wheel                                       float64
	anyKey                                      bool // some other key or button pressed this Update
	click                                       bool // left button
	backspace                                   bool // with key repeat
	chars                                       []rune

	keys           []ebiten.Key // scratch
	lastCX, lastCY float64
	pads           []ebiten.GamepadID
}

const deadZone = 0.22

// poll reads the devices.
func (s *inputState) poll(auto bool) {
	k := ebiten.IsKeyPressed
	s.up = k(ebiten.KeyW) || k(ebiten.KeyArrowUp) || k(ebiten.KeyZ)
	s.down = k(ebiten.KeyS) || k(ebiten.KeyArrowDown)
	s.left = k(ebiten.KeyA) || k(ebiten.KeyArrowLeft) || k(ebiten.KeyQ)
	s.right = k(ebiten.KeyD) || k(ebiten.KeyArrowRight)
	s.fire = k(ebiten.KeySpace) || ebiten.IsMouseButtonPressed(ebiten.MouseButtonLeft)
	s.scoreboard = k(ebiten.KeyTab)

	cx, cy := ebiten.CursorPosition()
	s.cursorX, s.cursorY = float64(cx), float64(cy)
	if s.cursorX != s.lastCX || s.cursorY != s.lastCY || ebiten.IsMouseButtonPressed(ebiten.MouseButtonLeft) {
		s.mouseMoved = true
	}
	s.lastCX, s.lastCY = s.cursorX, s.cursorY

	j := inpututil.IsKeyJustPressed
	s.confirm = j(ebiten.KeyEnter) || j(ebiten.KeyNumpadEnter)
	s.back = j(ebiten.KeyEscape)
	s.tab = j(ebiten.KeyTab)
	s.netgraph = j(ebiten.KeyF3)
	s.anyKey = false
	for _, key := range inpututil.AppendJustPressedKeys(s.keys[:0]) {
		if key != ebiten.KeyEscape && key != ebiten.KeyEnter && key != ebiten.KeyNumpadEnter {
			s.anyKey = true
		}
	}
	s.click = inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft)
	s.backspace = repeated(ebiten.KeyBackspace)
	s.navUp, s.navDown = repeated(ebiten.KeyArrowUp), repeated(ebiten.KeyArrowDown)
	s.pageUp, s.pageDown = repeated(ebiten.KeyPageUp), repeated(ebiten.KeyPageDown)
	s.home, s.end = j(ebiten.KeyHome), j(ebiten.KeyEnd)
	_, s.wheel = ebiten.Wheel()

	s.chars = s.chars[:0]
	for _, r := range ebiten.AppendInputChars(nil) {
		if unicode.IsPrint(r) {
			s.chars = append(s.chars, r)
		}
	}

	s.padMoveX, s.padMoveY, s.padAimX, s.padAimY, s.padFire = 0, 0, 0, 0, false
	s.pads = ebiten.AppendGamepadIDs(s.pads[:0])
	for _, id := range s.pads {
		if !ebiten.IsStandardGamepadLayoutAvailable(id) {
			continue
		}
		ax := func(a ebiten.StandardGamepadAxis) float64 { return ebiten.StandardGamepadAxisValue(id, a) }
		if x, y := ax(ebiten.StandardGamepadAxisLeftStickHorizontal), ax(ebiten.StandardGamepadAxisLeftStickVertical); math.Hypot(x, y) > deadZone {
			s.padMoveX, s.padMoveY = x, y
		}
		if x, y := ax(ebiten.StandardGamepadAxisRightStickHorizontal), ax(ebiten.StandardGamepadAxisRightStickVertical); math.Hypot(x, y) > 0.35 {
			s.padAimX, s.padAimY = x, y
			s.mouseMoved = false // the stick aims until the mouse moves
		}
		p := func(b ebiten.StandardGamepadButton) bool { return ebiten.IsStandardGamepadButtonPressed(id, b) }
		jp := func(b ebiten.StandardGamepadButton) bool { return inpututil.IsStandardGamepadButtonJustPressed(id, b) }
		s.padFire = s.padFire || p(ebiten.StandardGamepadButtonFrontBottomRight) || p(ebiten.StandardGamepadButtonFrontTopRight)
		s.scoreboard = s.scoreboard || p(ebiten.StandardGamepadButtonCenterLeft)
		s.confirm = s.confirm || jp(ebiten.StandardGamepadButtonRightBottom) || jp(ebiten.StandardGamepadButtonCenterRight)
		s.back = s.back || jp(ebiten.StandardGamepadButtonRightRight)
		s.netgraph = s.netgraph || jp(ebiten.StandardGamepadButtonLeftTop)
	}
	if auto {
		s.mouseMoved = false
	}
}

// repeated reports a key pressed this Update, or held long enough to
// repeat, as a text field's keys do.
func repeated(k ebiten.Key) bool {
	d := inpututil.KeyPressDuration(k)
	return d == 1 || (d >= 25 && d%3 == 0)
}

// controls turns the input into the game's controls for a player standing
// at (meX, meY) in the world, the mouse cursor mapped through cam.
func (s *inputState) controls(cam *play.Camera, meX, meY float64, haveMe bool) play.Controls {
	var c play.Controls
	if s.right {
		c.MoveX++
	}
	if s.left {
		c.MoveX--
	}
	if s.down {
		c.MoveY++
	}
	if s.up {
		c.MoveY--
	}
	if c.MoveX == 0 && c.MoveY == 0 {
		c.MoveX, c.MoveY = s.padMoveX, s.padMoveY
	}
	switch {
	case s.autoAim && haveMe:
		c.AimX, c.AimY = s.autoAX-meX, s.autoAY-meY
	case s.padAimX != 0 || s.padAimY != 0:
		c.AimX, c.AimY = s.padAimX, s.padAimY
	case haveMe && s.mouseMoved:
		wx, wy := cam.ToWorld(s.cursorX, s.cursorY)
		c.AimX, c.AimY = wx-meX, wy-meY
	case s.padMoveX != 0 || s.padMoveY != 0:
		c.AimX, c.AimY = s.padMoveX, s.padMoveY // no aim stick: aim where going
	}
	c.Fire = s.fire || s.padFire
	return c
}

// autoplay is the automatic player: it presses Play, then walks a square
// (up, right, down, left, about a second and a half each, starting with
// up), aims at the nearest player (or where it walks) and holds fire; it
// plays again shortly after each match.
type autoplay struct {
	frames     int
	resultsFor int
}

func (a *autoplay) drive(g *Game, s *inputState) {
	switch g.m.Phase() {
	case play.PhaseMenu:
		s.confirm = true
	case play.PhaseResults:
		if a.resultsFor++; a.resultsFor > 120 {
			a.resultsFor = 0
			s.confirm = true
		}
	case play.PhasePlaying:
		a.frames++
		leg := (a.frames / 90) % 4
		s.up, s.right, s.down, s.left = leg == 0, leg == 1, leg == 2, leg == 3
		s.fire = true
		sc := &g.match.scene
		if !sc.HaveMe {
			return
		}
		best := math.Inf(1)
		s.autoAim = false
		for _, p := range sc.Players {
			if p.Me {
				continue
			}
			if d := math.Hypot(p.X-sc.MeX, p.Y-sc.MeY); d < best {
				best, s.autoAim, s.autoAX, s.autoAY = d, true, p.X, p.Y
			}
		}
		if !s.autoAim {
			dx, dy := [4]float64{0, 1, 0, -1}[leg], [4]float64{-1, 0, 1, 0}[leg]
			s.autoAim, s.autoAX, s.autoAY = true, sc.MeX+dx*100, sc.MeY+dy*100
		}
	}
}
