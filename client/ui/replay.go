package ui

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
	"github.com/skirmishgg/skirmish/client/clientnet"
	"github.com/skirmishgg/skirmish/client/replayview"
	"github.com/skirmishgg/skirmish/client/ui/play"
	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/replay"
)

// maxReplayBytes bounds a recording the client loads: a 5-minute
// 16-player match is well under 1 MB.
const maxReplayBytes = 64 << 20

// ReplayStatus is where the replay screen stands, for the page and tests.
type ReplayStatus struct {
	Loading bool
	Err     string // why the recording cannot be played ("" when it can)
	Tick    uint32
	Ticks   uint32
	Playing bool
	Speed   float64
	// Follow is the player the camera follows (0: the free camera) and
	// FollowName its name.
	Follow     uint32
	FollowName string
	Players    int
}

// replayState is the replay screen's own state: the recording loading,
// then its player.
type replayState struct {
	src    string
	cancel context.CancelFunc // stops the download when the viewer is left
	loaded chan replayLoad
	p      *replayview.Player
	rules  *arena.Rules
	err    error
	evs    []game.Event
	drag   bool
	dragX  float64
	dragY  float64
	last   time.Time
	shown  ReplayStatus
	status bool // shown was reported once
}

type replayLoad struct {
	p     *replayview.Player
	rules *arena.Rules
	err   error
}

// startReplay loads src (a file, or an http(s) URL) in the background.
func startReplay(ctx context.Context, src string) *replayState {
	ctx, cancel := context.WithCancel(ctx)
	r := &replayState{src: src, cancel: cancel, loaded: make(chan replayLoad, 1)}
	go func() {
		defer cancel()
		data, err := loadReplay(ctx, src)
		if err != nil {
			r.loaded <- replayLoad{err: err}
			return
		}
		var rules *arena.Rules
		p, err := replayview.Open(data, func(h *replay.Header) (game.Rules, error) {
			if h.Game != "arena" {
				return nil, fmt.Errorf("the recording is of game %q; this client plays the arena", h.Game)
			}
			r, err := arena.ModeRules(h.Mode, h.MaxPlayers)
			rules = r
			return r, err
		})
		r.loaded <- replayLoad{p: p, rules: rules, err: err}
	}()
	return r
}

// loadReplay reads a recording from a file or over HTTP, bounded in size
// and (over HTTP) in time.
func loadReplay(ctx context.Context, src string) ([]byte, error) {
	if !strings.HasPrefix(src, "http://") && !strings.HasPrefix(src, "https://") {
		f, err := os.Open(src)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return readBounded(f, src)
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	b, err := clientnet.Fetch(ctx, src, maxReplayBytes+1)
	if err != nil {
		return nil, err
	}
	if len(b) > maxReplayBytes {
		return nil, fmt.Errorf("%s: over %d MB, more than a recording holds", src, maxReplayBytes>>20)
	}
	return b, nil
}

func readBounded(r io.Reader, src string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxReplayBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src, err)
	}
	if len(b) > maxReplayBytes {
		return nil, fmt.Errorf("%s: over %d MB, more than a recording holds", src, maxReplayBytes>>20)
	}
	return b, nil
}

// panSpeed is how fast the free camera pans with the keys, world units a
// second.
const panSpeed = 900

// replayBack is where the viewer's BACK button sits.
func (g *Game) replayBack() rect {
	s := g.ui()
	return rect{12 * s, 12 * s, 92 * s, 34 * s}
}

// leaveReplay closes the viewer: back to the list it was opened from
// (REPLAYS), or to the menu.
func (g *Game) leaveReplay() {
	g.replay.cancel()
	g.replay = nil
	g.match.reset()
	ebiten.SetCursorShape(ebiten.CursorShapeDefault)
	g.enter(g.m.Phase())
}

// updateReplay takes the replay's keys: Space plays or pauses, ←/→ seek
// 5 s, [ ] (or - +) change the speed, Tab follows the next player and
// 1-9 the n-th, F or 0 frees the camera, which WASD, ↑/↓ and dragging
// pan; Esc or BACK leaves.
func (g *Game) updateReplay() {
	r := g.replay
	back := g.replayBack()
	if g.in.back || (g.in.click && back.contains(g.in.cursorX, g.in.cursorY)) {
		g.leaveReplay()
		return
	}
	if back.contains(g.in.cursorX, g.in.cursorY) {
		ebiten.SetCursorShape(ebiten.CursorShapePointer)
	} else {
		ebiten.SetCursorShape(ebiten.CursorShapeDefault)
	}
	if r.p == nil && r.err == nil {
		select {
		case l := <-r.loaded:
			r.p, r.rules, r.err = l.p, l.rules, l.err
			if r.p != nil {
				g.match.reset()
				g.arena = play.ArenaFrom(r.p.Recording().Header.Welcome)
				r.p.Play()
			}
		default:
		}
	}
	defer g.reportReplay()
	p := r.p
	if p == nil {
		return
	}
	now := time.Now()
	dt := time.Duration(0)
	if !r.last.IsZero() {
		dt = min(now.Sub(r.last), 250*time.Millisecond)
	}
	r.last = now

	j := inpututil.IsKeyJustPressed
	seeked := false
	seek := func(d time.Duration) {
		if err := p.SeekBy(d); err != nil {
			r.err = err
		}
		seeked = true
	}
	switch {
	case j(ebiten.KeySpace):
		p.Toggle()
	case j(ebiten.KeyArrowRight):
		seek(5 * time.Second)
	case j(ebiten.KeyArrowLeft):
		seek(-5 * time.Second)
	case j(ebiten.KeyHome):
		seek(-p.Duration())
	case j(ebiten.KeyBracketLeft) || j(ebiten.KeyMinus) || j(ebiten.KeyNumpadSubtract):
		p.Slower()
	case j(ebiten.KeyBracketRight) || j(ebiten.KeyEqual) || j(ebiten.KeyNumpadAdd):
		p.Faster()
	case j(ebiten.KeyTab):
		p.FollowNext()
		g.match.cam.Jump()
	case j(ebiten.KeyF) || j(ebiten.Key0) || j(ebiten.KeyNumpad0):
		p.FreeCamera()
	}
	for n := range 9 {
		if j(ebiten.Key1+ebiten.Key(n)) || j(ebiten.KeyNumpad1+ebiten.Key(n)) {
			if ids := p.Players(); n < len(ids) {
				_ = p.Follow(ids[n])
				g.match.cam.Jump()
			}
		}
	}
	if seeked {
		g.match.fx.Reset()
		g.match.cam.Jump()
	}

	// Panning: keys, then dragging with the left button.
	k := ebiten.IsKeyPressed
	var dx, dy float64
	if k(ebiten.KeyA) {
		dx--
	}
	if k(ebiten.KeyD) {
		dx++
	}
	if k(ebiten.KeyW) || k(ebiten.KeyArrowUp) {
		dy--
	}
	if k(ebiten.KeyS) || k(ebiten.KeyArrowDown) {
		dy++
	}
	if dx != 0 || dy != 0 {
		d := panSpeed * arena.ViewUnitsPerUnit * dt.Seconds()
		p.Pan(dx*d, dy*d)
	}
	cx, cy := ebiten.CursorPosition()
	x, y := float64(cx), float64(cy)
	if ebiten.IsMouseButtonPressed(ebiten.MouseButtonLeft) {
		if r.drag && (x != r.dragX || y != r.dragY) && g.match.cam.Zoom > 0 {
			k := arena.ViewUnitsPerUnit / g.match.cam.Zoom
			p.Pan(-(x-r.dragX)*k, -(y-r.dragY)*k)
		}
		r.drag = true
	} else {
		r.drag = false
	}
	r.dragX, r.dragY = x, y

	if err := p.Advance(dt); err != nil {
		r.err = err
	}
}

// reportReplay tells OnReplay when the replay's status changed.
func (g *Game) reportReplay() {
	r := g.replay
	st := ReplayStatus{Loading: r.p == nil && r.err == nil}
	if r.err != nil {
		st.Err = r.err.Error()
	}
	if p := r.p; p != nil {
		st.Tick, st.Ticks, st.Playing, st.Speed = p.Tick(), p.Ticks(), p.Playing(), p.Speed()
		st.Follow = uint32(p.Following())
		st.FollowName = p.Name(p.Following())
		st.Players = len(p.Players())
	}
	if r.status && st == r.shown {
		return
	}
	r.shown, r.status = st, true
	if g.opts.OnReplay != nil {
		g.opts.OnReplay(st)
	}
}

// drawReplay draws the recording's world with the match renderer, and
// the replay's bar over it.
func (g *Game) drawReplay(dst *ebiten.Image, now time.Time, dt float64) bool {
	r := g.replay
	if r.p == nil {
		g.drawBackdrop(dst, now)
		s := g.ui()
		msg, col := "Loading the recording…", colText
		if r.err != nil {
			msg, col = "This recording cannot be played: "+r.err.Error(), colBad
		}
		drawWrapped(dst, msg, face(true, 18*s), g.w/2, g.h/2, min(g.w-40*s, 900*s), col)
		g.drawReplayBack(dst)
		return false
	}
	p := r.p
	ms := &g.match
	sc := &ms.scene
	follow := uint32(p.Following())
	name := func(id uint32) string { return playerName(p, id) }
	prev, k := p.Between()
	sc.SetView(p.View(), prev, k, p.Tick(), r.rules, follow, name)
	sc.Arena = g.arena
	sc.Match = p.Recording().Header.Match
	r.evs = p.Events(r.evs[:0])
	for _, ev := range r.evs {
		ms.fx.Add(protocol.Event{Tick: ev.Tick, Kind: uint8(ev.Kind), Actor: uint32(ev.Actor), Target: uint32(ev.Target), Value: ev.Value, X: ev.X, Y: ev.Y}, follow, name)
	}
	ms.fx.Step(dt * p.Speed())

	ms.cam.Resize(g.w, g.h)
	ms.cam.SlackX, ms.cam.SlackY = 0, 0
	cx, cy := p.Camera()
	cx, cy = cx/arena.ViewUnitsPerUnit, cy/arena.ViewUnitsPerUnit
	if sc.HaveMe { // the followed player as drawn, between ticks
		cx, cy = sc.MeX, sc.MeY
	}
	ms.cam.Follow(cx, cy, g.arena.Width, g.arena.Height, dt)

	g.drawArena(dst)
	g.drawBullets(dst)
	g.drawPlayers(dst)
	g.drawEffects(dst)
	g.drawReplayRoster(dst)
	g.drawReplayBar(dst)
	g.drawReplayBack(dst)
	return true
}

// drawReplayBack draws the viewer's BACK button.
func (g *Game) drawReplayBack(dst *ebiten.Image) {
	b := g.replayBack()
	button(dst, b, "‹ BACK", g.ui(), false, b.contains(g.in.cursorX, g.in.cursorY))
}

// drawReplayRoster lists the players at the top right with the number key
// that follows each, their kills and deaths; the followed one stands out.
func (g *Game) drawReplayRoster(dst *ebiten.Image) {
	p := g.replay.p
	sc := &g.match.scene
	ids := p.Players()
	if len(ids) == 0 {
		return
	}
	s := g.ui()
	rowH := 20 * s
	w := 220 * s
	r := rect{g.w - w - 12*s, 12 * s, w, float64(min(len(ids), 16))*rowH + 14*s}
	panel(dst, r, 8*s, colPanel, fade(colPanelEdge, 0.6), 1*s)
	f := face(false, 13*s)
	for i, id := range ids[:min(len(ids), 16)] {
		y := r.y + 7*s + rowH*(float64(i)+0.5)
		col := colText
		if id == p.Following() {
			col = colAccent
		}
		key := " "
		if i < 9 {
			key = fmt.Sprint(i + 1)
		}
		kd := ""
		for _, pl := range sc.Roster {
			if pl.ID == uint32(id) {
				kd = fmt.Sprintf("%d / %d", pl.Score, pl.Deaths)
			}
		}
		drawText(dst, key, f, r.x+12*s, y, colMuted, 0, 1)
		drawText(dst, playerName(p, uint32(id)), f, r.x+30*s, y, col, 0, 1)
		drawText(dst, kd, f, r.x+r.w-12*s, y, col, 2, 1)
	}
}

// playerName is a player's name in the recording, or a stand-in.
func playerName(p *replayview.Player, id uint32) string {
	if n := p.Name(game.PlayerID(id)); n != "" {
		return n
	}
	return fmt.Sprintf("player %d", id)
}

// drawReplayBar draws the bar at the bottom: play state, time and
// duration with a progress bar, speed, who is followed, and the keys.
func (g *Game) drawReplayBar(dst *ebiten.Image) {
	p := g.replay.p
	s := g.ui()
	w := min(g.w-24*s, 980*s)
	b := rect{(g.w - w) / 2, g.h - 92*s, w, 78 * s}
	panel(dst, b, 10*s, colPanel, fade(colPanelEdge, 0.7), 1*s)
	state := "PAUSED"
	if p.Playing() {
		state = "PLAYING"
	}
	follow := "free camera"
	if id := p.Following(); id != 0 {
		follow = "following " + playerName(p, uint32(id))
	}
	f := face(true, 15*s)
	top := b.y + 20*s
	drawText(dst, fmt.Sprintf("REPLAY  %s  %s / %s", state, clock(p.Time()), clock(p.Duration())), f, b.x+16*s, top, colText, 0, 1)
	drawText(dst, fmt.Sprintf("%s×  ·  %s", speedLabel(p.Speed()), follow), f, b.x+b.w-16*s, top, colAccent, 2, 1)
	k := float64(p.Tick()) / float64(max(p.Ticks(), 1))
	bar(dst, rect{b.x + 16*s, b.y + 36*s, b.w - 32*s, 6 * s}, k, colAccent, rgba(0x1a2233, 0xff))
	drawText(dst, "Space play/pause · ←/→ 5 s · [ ] speed · Tab or 1–9 follow · F free camera (WASD, drag) · Esc back",
		face(false, 12*s), b.cx(), b.y+60*s, colMuted, 1, 1)
}

// clock formats a match time as m:ss.
func clock(d time.Duration) string {
	d = d.Truncate(time.Second)
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

func speedLabel(x float64) string {
	switch x {
	case 0.25:
		return "¼"
	case 0.5:
		return "½"
	}
	return fmt.Sprintf("%g", x)
}
