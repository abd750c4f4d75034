package ui

import (
	"image/color"
	"math"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
	"github.com/skirmishgg/skirmish/client/clientnet"
	"github.com/skirmishgg/skirmish/client/ui/play"
)

// matchState is the match screen's own state.
type matchState struct {
	scene     play.Scene
	fx        play.Effects
	cam       play.Camera
	net       play.NetStats
	graph     []clientnet.GraphSample
	frameMs   [clientnet.DefaultGraphLen]float32 // frame times, a ring
	frameNext int
	showGraph bool // the developer panel and network graph (F3); off by default
	// confirmLeave: Esc was pressed once; Enter or Esc again leaves.
	confirmLeave bool
	pinScores    bool // the scoreboard stays up (tests' screenshots)
	lastAim      uint16
	lastFrame    time.Time
	// freeX, freeY is a spectator's free camera (following nobody), in
	// world units, moved with the movement keys; freeSet once placed.
	freeX, freeY float64
	freeSet      bool
}

func (m *matchState) reset() {
	m.fx.Reset()
	m.cam.Jump()
	m.frameMs = [clientnet.DefaultGraphLen]float32{}
	m.lastAim = 0
	m.freeSet = false
	m.lastFrame = time.Time{}
	m.confirmLeave = false
}

// updateMatch sends the controls and handles the match's keys.
func (g *Game) updateMatch() {
	sess := g.m.Session()
	if sess == nil {
		return
	}
	if g.match.confirmLeave {
		switch {
		case g.in.back || g.in.confirm:
			g.match.confirmLeave = false
			g.m.Leave()
			return
		case g.in.anyKey:
			g.match.confirmLeave = false
		}
	} else if g.in.back {
		st := g.m.State()
		if st.Reconnecting || st.Stalled {
			g.m.Leave() // the banner says "Esc to leave"
			return
		}
		g.match.confirmLeave = true
	}
	if g.in.netgraph {
		g.match.showGraph = !g.match.showGraph
	}
	sc := &g.match.scene
	if sc.Spectating {
		if g.in.tab {
			sess.FollowNext() // Tab: the next player, then the free camera
		}
		// The movement keys pan the free camera.
		c := g.in.controls(&g.match.cam, 0, 0, false)
		const panSpeed = 900.0 / 60 // world units a frame
		g.match.freeX += c.MoveX * panSpeed
		g.match.freeY += c.MoveY * panSpeed
		return
	}
	c := g.in.controls(&g.match.cam, sc.MeX, sc.MeY, sc.HaveMe)
	in := c.Input(g.match.lastAim)
	g.match.lastAim = in.Aim
	sess.SetInput(in)
}

// drawMatch draws the match and reports whether a snapshot was shown.
func (g *Game) drawMatch(dst *ebiten.Image, now time.Time, dt float64) bool {
	ms := &g.match
	sess := g.m.Session()
	if sess == nil {
		g.drawBackdrop(dst, now)
		return false
	}
	sc := &ms.scene
	sess.Sample(now, sc)
	g.arena = sc.Arena // what the server described in its Welcome
	for _, ev := range sc.Events {
		ms.fx.Add(ev, sc.Me, sess.Name)
	}
	ms.fx.Step(dt)

	ms.cam.Resize(g.w, g.h)
	ms.cam.SlackX, ms.cam.SlackY = avatarSlackX*g.w, avatarSlackY*g.h
	tx, ty := g.arena.Width/2, g.arena.Height/2
	switch {
	case sc.HaveMe:
		tx, ty = sc.MeX, sc.MeY
	case sc.HaveFollow:
		tx, ty = sc.FollowX, sc.FollowY
	case sc.Spectating:
		if !ms.freeSet {
			ms.freeX, ms.freeY, ms.freeSet = tx, ty, g.arena.Width > 0
		}
		ms.freeX = min(max(ms.freeX, 0), g.arena.Width)
		ms.freeY = min(max(ms.freeY, 0), g.arena.Height)
		tx, ty = ms.freeX, ms.freeY
	}
	ms.cam.Follow(tx, ty, g.arena.Width, g.arena.Height, dt)

	g.drawArena(dst)
	g.drawBullets(dst)
	g.drawPlayers(dst)
	g.drawEffects(dst)
	g.drawAim(dst)

	if !ms.lastFrame.IsZero() {
		ms.frameMs[ms.frameNext] = float32(now.Sub(ms.lastFrame).Seconds() * 1000)
		ms.frameNext = (ms.frameNext + 1) % len(ms.frameMs)
	}
	ms.lastFrame = now
	ms.net = sess.NetStats(now)
	if g.opts.OnNetStats != nil {
		g.opts.OnNetStats(ms.net)
	}
	if ms.showGraph { // the graph is recorded either way: F3 shows its past too
		ms.graph = sess.Graph(ms.graph)
	}
	g.drawHUD(dst, now)
	return sc.Tick != 0
}

// drawArena draws the floor, its grid, the border and the walls.
func (g *Game) drawArena(dst *ebiten.Image) {
	cam := &g.match.cam
	s := g.ui()
	x0, y0 := cam.ToScreen(0, 0)
	x1, y1 := cam.ToScreen(g.arena.Width, g.arena.Height)
	// The floor, and the background only where the floor does not reach:
	// every pixel is painted once (a software GL pays for each pass).
	fillRect(dst, rect{x0, y0, x1 - x0, y1 - y0}, colFloor)
	fillRect(dst, rect{0, 0, g.w, max(y0, 0)}, colBackground)
	fillRect(dst, rect{0, y1, g.w, max(g.h-y1, 0)}, colBackground)
	fillRect(dst, rect{0, y0, max(x0, 0), y1 - y0}, colBackground)
	fillRect(dst, rect{x1, y0, max(g.w-x1, 0), y1 - y0}, colBackground)

	// Grid every 100 units, brighter every 500, only what shows.
	wl, wt := cam.ToWorld(0, 0)
	wr, wb := cam.ToWorld(g.w, g.h)
	lw := max(1, math.Round(s))
	for gx := math.Max(100, math.Ceil(wl/100)*100); gx < math.Min(wr, g.arena.Width); gx += 100 {
		sx, _ := cam.ToScreen(gx, 0)
		c := colGrid
		if int(gx)%500 == 0 {
			c = colGridMajor
		}
		fillRect(dst, rect{math.Round(sx), y0, lw, y1 - y0}, c)
	}
	for gy := math.Max(100, math.Ceil(wt/100)*100); gy < math.Min(wb, g.arena.Height); gy += 100 {
		_, sy := cam.ToScreen(0, gy)
		c := colGrid
		if int(gy)%500 == 0 {
			c = colGridMajor
		}
		fillRect(dst, rect{x0, math.Round(sy), x1 - x0, lw}, c)
	}
	bw := 3 * s
	fillRect(dst, rect{x0 - bw, y0 - bw, x1 - x0 + 2*bw, bw}, colBorder)
	fillRect(dst, rect{x0 - bw, y1, x1 - x0 + 2*bw, bw}, colBorder)
	fillRect(dst, rect{x0 - bw, y0, bw, y1 - y0}, colBorder)
	fillRect(dst, rect{x1, y0, bw, y1 - y0}, colBorder)

	off := 6 * s
	for _, w := range g.arena.Walls {
		ax, ay := cam.ToScreen(w.MinX, w.MinY)
		bx, by := cam.ToScreen(w.MaxX, w.MaxY)
		r := rect{ax, ay, bx - ax, by - ay}
		if r.x > g.w || r.y > g.h || r.x+r.w < 0 || r.y+r.h < 0 {
			continue
		}
		fillRect(dst, rect{r.x + off, r.y + off, r.w, r.h}, colShadow)
		fillRect(dst, r, colWall)
		fillRect(dst, rect{r.x, r.y, r.w, min(4*s, r.h)}, colWallTop)
		edge := max(1, 1.5*s)
		fillRect(dst, rect{r.x, r.y, r.w, edge}, colWallEdge)
		fillRect(dst, rect{r.x, r.y, edge, r.h}, colWallEdge)
		fillRect(dst, rect{r.x + r.w - edge, r.y, edge, r.h}, fade(colWallEdge, 0.6))
		fillRect(dst, rect{r.x, r.y + r.h - edge, r.w, edge}, fade(colWallEdge, 0.6))
	}
}

// drawBullets draws each bullet as a bright head with a streak behind it.
func (g *Game) drawBullets(dst *ebiten.Image) {
	cam := &g.match.cam
	sc := &g.match.scene
	s := g.ui()
	br := max(g.arena.BulletRadius*cam.Zoom, 2*s)
	for _, b := range sc.Bullets {
		if !cam.Visible(b.X, b.Y, 40) {
			continue
		}
		col := mix(playerColor(b.Owner, sc.Me), colWhite, 0.35)
		hx, hy := cam.ToScreen(b.X, b.Y)
		tx, ty := cam.ToScreen(b.TailX, b.TailY)
		// The streak: three segments fading out towards the tail.
		for i := range 3 {
			k0, k1 := float64(i)/3, float64(i+1)/3
			line(dst, tx+(hx-tx)*k0, ty+(hy-ty)*k0, tx+(hx-tx)*k1, ty+(hy-ty)*k1,
				br*(0.9+0.5*k1), fade(col, 0.15+0.3*k1))
		}
		circle(dst, hx, hy, br*2.3, fade(col, 0.22))
		circle(dst, hx, hy, br*1.15, colWhite)
	}
}

// drawPlayers draws the players, the own one last (on top), each with its
// gun, name and health.
func (g *Game) drawPlayers(dst *ebiten.Image) {
	sc := &g.match.scene
	for i := range sc.Players {
		if !sc.Players[i].Me {
			g.drawPlayer(dst, &sc.Players[i])
		}
	}
	if me := sc.Player(sc.Me); me != nil {
		g.drawPlayer(dst, me)
	}
}

func (g *Game) drawPlayer(dst *ebiten.Image, p *play.PlayerView) {
	cam := &g.match.cam
	sc := &g.match.scene
	if !cam.Visible(p.X, p.Y, g.arena.PlayerRadius*3) {
		return
	}
	s := g.ui()
	x, y := cam.ToScreen(p.X, p.Y)
	r := g.arena.PlayerRadius * cam.Zoom
	col := playerColor(p.ID, sc.Me)
	dark := mix(col, colBackground, 0.55)
	ca, sa := math.Cos(p.Aim), math.Sin(p.Aim)

	circle(dst, x+3*s, y+4*s, r*1.02, colShadow)
	if p.Me {
		ring(dst, x, y, r+5*s, 2*s, fade(colWhite, 0.55))
	}
	line(dst, x+ca*r*0.3, y+sa*r*0.3, x+ca*r*1.65, y+sa*r*1.65, r*0.5, dark)
	line(dst, x+ca*r*0.3, y+sa*r*0.3, x+ca*r*1.55, y+sa*r*1.55, r*0.3, mix(col, colWhite, 0.1))
	circle(dst, x, y, r, dark)
	circle(dst, x, y, r*0.84, col)
	circle(dst, x-r*0.25, y-r*0.28, r*0.32, fade(colWhite, 0.28))
	if f := g.match.fx.Flash(p.ID); f > 0 {
		circle(dst, x, y, r*1.05, fade(colWhite, 0.85*f))
	}

	// Name and health above.
	name := p.Name
	if name == "" {
		name = "…"
	}
	nf := face(true, 13*s)
	drawTextShadow(dst, name, nf, x, y-r-22*s, colText, text.AlignCenter, text.AlignCenter, 1.2*s)
	k := float64(p.HP) / float64(max(g.arena.MaxHP, 1))
	bw, bh := 46*s, 5*s
	bar(dst, rect{x - bw/2, y - r - 12*s, bw, bh}, k, healthColor(k), rgba(0x000000, 0xa0))
}

// drawEffects draws rings, particles and the floating numbers.
func (g *Game) drawEffects(dst *ebiten.Image) {
	cam := &g.match.cam
	sc := &g.match.scene
	fx := &g.match.fx
	s := g.ui()
	for _, r := range fx.Rings {
		k := r.Age / r.Life
		e := 1 - (1-k)*(1-k)
		x, y := cam.ToScreen(r.X, r.Y)
		rad := (r.R0 + (r.R1-r.R0)*e) * cam.Zoom
		ring(dst, x, y, rad, (4*(1-k)+1)*s, fade(playerColor(r.Owner, sc.Me), 0.8*(1-k)))
	}
	for _, p := range fx.Particles {
		if !cam.Visible(p.X, p.Y, 10) {
			continue
		}
		k := p.Age / p.Life
		x, y := cam.ToScreen(p.X, p.Y)
		col := playerColor(p.Owner, sc.Me)
		if p.Spark {
			col = mix(colWhite, mix(col, colWarn, 0.5), k)
		}
		circle(dst, x, y, max(p.Size*cam.Zoom*(1-0.6*k), s), fade(col, 1-k*k))
	}
	for _, t := range fx.Texts {
		k := t.Age / t.Life
		x, y := cam.ToScreen(t.X, t.Y)
		col := colText
		if t.Mine {
			col = colWarn
		}
		drawTextShadow(dst, t.Text, face(true, 15*s), x, y, fade(col, 1-k*k), text.AlignCenter, text.AlignCenter, 1.2*s)
	}
}

// drawAim draws the crosshair at the mouse and a faint sight line to it.
func (g *Game) drawAim(dst *ebiten.Image) {
	if !g.in.mouseMoved || g.auto != nil {
		return
	}
	s := g.ui()
	x, y := g.in.cursorX, g.in.cursorY
	sc := &g.match.scene
	if sc.HaveMe {
		mx, my := g.match.cam.ToScreen(sc.MeX, sc.MeY)
		line(dst, mx, my, x, y, 1.5*s, fade(colWhite, 0.07))
	}
	var c color.Color = fade(colWhite, 0.9)
	ring(dst, x, y, 9*s, 1.6*s, c)
	for _, d := range [4][2]float64{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
		line(dst, x+d[0]*5*s, y+d[1]*5*s, x+d[0]*14*s, y+d[1]*14*s, 1.6*s, c)
	}
	circle(dst, x, y, 1.4*s, colAccent)
}
