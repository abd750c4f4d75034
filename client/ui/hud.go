package ui

import (
	"fmt"
	"math"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
)

// drawHUD draws everything on top of the arena: figures, score, health,
// kill feed, hints, and on demand the scoreboard and the net graph.
func (g *Game) drawHUD(dst *ebiten.Image, now time.Time) {
	ms := &g.match
	sc := &ms.scene
	s := g.ui()
	st := ms.net
	l := g.hudLayout()

	// Developer figures, top left, with F3.
	if ms.showGraph {
		f := face(false, 14*s)
		fb := face(true, 14*s)
		p := l.dev
		panel(dst, p, 8*s, colPanel, fade(colPanelEdge, 0.6), 1*s)
		col1, col2, col3 := p.x+14*s, p.x+134*s, p.x+262*s
		row1, row2 := p.y+18*s, p.y+39*s
		pingCol := colGood
		switch ping := st.Ping.Milliseconds(); {
		case ping > 150:
			pingCol = colBad
		case ping > 70:
			pingCol = colWarn
		}
		figure(dst, col1, row1, "PING", fmt.Sprintf("%d ms", st.Ping.Milliseconds()), f, fb, pingCol, s)
		figure(dst, col2, row1, "FPS", fmt.Sprintf("%.0f", ebiten.ActualFPS()), f, fb, colText, s)
		figure(dst, col3, row1, "TICK", fmt.Sprintf("%d", st.Tick), f, fb, colText, s)
		figure(dst, col1, row2, "IN", kbps(st.BytesIn), f, fb, colText, s)
		figure(dst, col2, row2, "OUT", kbps(st.BytesOut), f, fb, colText, s)
		figure(dst, col3, row2, "INTERP", fmt.Sprintf("%d ms", st.Delay.Milliseconds()), f, fb, colText, s)
	}

	// Score, top centre.
	if me := sc.Player(sc.Me); me != nil {
		rank := 0
		for i, p := range sc.Roster {
			if p.Me {
				rank = i + 1
			}
		}
		drawTextShadow(dst, fmt.Sprintf("%d", me.Score), face(true, 34*s), l.score.cx(), l.score.y+22*s, colText, text.AlignCenter, text.AlignCenter, 1.5*s)
		drawTextShadow(dst, fmt.Sprintf("KILLS · FIRST TO %d · #%d OF %d", g.arena.ScoreLimit, rank, len(sc.Roster)),
			face(true, 12*s), l.score.cx(), l.score.y+50*s, colMuted, text.AlignCenter, text.AlignCenter, 1*s)

		// Health, bottom centre.
		k := float64(me.HP) / float64(max(g.arena.MaxHP, 1))
		hb := l.healthBar()
		panel(dst, rect{hb.x - 4*s, hb.y - 4*s, hb.w + 8*s, hb.h + 8*s}, 6*s, colPanel, fade(colPanelEdge, 0.6), 1*s)
		bar(dst, hb, k, healthColor(k), rgba(0x1a2233, 0xff))
		drawTextShadow(dst, fmt.Sprintf("%d HP", me.HP), face(true, 12*s), hb.cx(), hb.cy(), colWhite, text.AlignCenter, text.AlignCenter, 1*s)
		drawTextShadow(dst, fmt.Sprintf("%d deaths", me.Deaths), face(false, 12*s), hb.x+hb.w+14*s, hb.cy(), colMuted, text.AlignStart, text.AlignCenter, 1*s)
	}

	// The connection's state, under the score: never over the player.
	b := l.banner
	switch state := g.m.State(); {
	case sc.Reconnecting:
		msg := "Connection lost — reconnecting… · Esc to leave"
		if !state.LostAt.IsZero() {
			msg = fmt.Sprintf("Reconnecting — attempt %d · %ds · Esc to leave", max(state.Attempt, 1), int(now.Sub(state.LostAt).Seconds()))
		}
		g.drawBanner(dst, b, msg, colWarn, now)
	case sc.Stalled:
		msg := "Connection stalled — waiting for the network…"
		if !state.StalledSince.IsZero() {
			msg = fmt.Sprintf("Connection stalled · %.0fs · waiting for the network", max(1, now.Sub(state.StalledSince).Seconds()))
		}
		g.drawBanner(dst, b, msg, colWarn, now)
	case sc.Spectating && g.m.Session() != nil:
		sess := g.m.Session()
		who := "free camera (WASD)"
		if sc.Following != 0 {
			who = "following " + sess.Name(sc.Following)
		}
		g.drawBanner(dst, b, fmt.Sprintf("Spectating, %v behind · %s · Tab next player", sess.SpectateDelay(), who), colText, now)
	case len(sc.Roster) <= 1:
		g.drawBanner(dst, b, "Waiting for other players — warm up meanwhile", colText, now)
	}

	g.drawFeed(dst, l.feed)

	drawTextShadow(dst, "Tab scores · F3 network · Esc leave", face(false, 12*s), l.hint.x+2*s, l.hint.cy(), fade(colMuted, 0.8), text.AlignStart, text.AlignCenter, 1*s)

	if ms.showGraph {
		g.drawNetGraph(dst, l.graph)
	}
	if g.in.scoreboard || ms.pinScores {
		g.drawScoreboard(dst)
	}
	if ms.confirmLeave {
		g.drawLeaveConfirm(dst)
	}
}

// hudLayout lays the match screen out for the current screen.
func (g *Game) hudLayout() hudLayout {
	return layoutHUD(g.w, g.h, g.ui(), g.arena.PlayerRadius*g.match.cam.Zoom, g.match.showGraph)
}

// drawBanner draws a one-line notice in box b, the text shrunk to fit.
func (g *Game) drawBanner(dst *ebiten.Image, b rect, msg string, col colorLike, now time.Time) {
	s := g.ui()
	edge := fade(colAccent, 0.5)
	if col == colWarn {
		edge = colWarn
	}
	panel(dst, b, 8*s, colPanel, edge, 1.5*s)
	spinner(dst, b.x+24*s, b.cy(), 8*s, now, s*0.6)
	size := 15 * s
	for size > 9*s && textWidth(msg, face(false, size)) > b.w-56*s {
		size -= s
	}
	drawText(dst, msg, face(false, size), b.x+44*s, b.cy(), col, text.AlignStart, text.AlignCenter)
}

// drawLeaveConfirm asks whether to leave the running match.
func (g *Game) drawLeaveConfirm(dst *ebiten.Image) {
	s := g.ui()
	w, h := 420*s, 120*s
	r := rect{(g.w - w) / 2, g.h*0.62 + 20*s, w, h}
	r.y = min(r.y, g.h-h-60*s)
	panel(dst, r, 12*s, rgba(0x0b1220, 0xf2), colWarn, 1.5*s)
	drawText(dst, "Leave the match?", face(true, 20*s), r.cx(), r.y+38*s, colText, text.AlignCenter, text.AlignCenter)
	drawText(dst, "Enter or Esc again: leave · any other key: stay", face(false, 14*s), r.cx(), r.y+80*s, colMuted, text.AlignCenter, text.AlignCenter)
}

func figure(dst *ebiten.Image, x, y float64, label, value string, f, fb text.Face, col colorLike, s float64) {
	drawText(dst, label, f, x, y, colMuted, text.AlignStart, text.AlignCenter)
	drawText(dst, value, fb, x+textWidth(label, f)+6*s, y, col, text.AlignStart, text.AlignCenter)
}

func kbps(bytesPerSec float64) string { return fmt.Sprintf("%.1f KB/s", bytesPerSec/1000) }

// drawFeed draws the kill feed, newest first, in box r (top right).
func (g *Game) drawFeed(dst *ebiten.Image, r rect) {
	s := g.ui()
	sc := &g.match.scene
	f := face(true, 14*s)
	y := r.y + 13*s
	for i := len(g.match.fx.Feed) - 1; i >= 0 && i >= len(g.match.fx.Feed)-maxFeedRows; i-- {
		e := g.match.fx.Feed[i]
		a := min(1, (6-e.Age)/0.6)
		x := g.w - 16*s
		vw := textWidth(e.Victim, f)
		mid := "  killed  "
		mw := textWidth(mid, face(false, 13*s))
		kw := textWidth(e.Killer, f)
		w := vw + mw + kw + 20*s
		panelAlpha(dst, rect{x - w + 4*s, y - 13*s, w, 26 * s}, 6*s, colPanel, fade(colPanelEdge, 0.5), 1*s, a)
		drawText(dst, e.Victim, f, x-6*s, y, fade(playerColor(e.VictimID, sc.Me), a), text.AlignEnd, text.AlignCenter)
		drawText(dst, mid, face(false, 13*s), x-6*s-vw, y, fade(colMuted, a), text.AlignEnd, text.AlignCenter)
		kc := colText
		if e.KillerID != 0 {
			kc = playerColor(e.KillerID, sc.Me)
		}
		drawText(dst, e.Killer, f, x-6*s-vw-mw, y, fade(kc, a), text.AlignEnd, text.AlignCenter)
		y += 32 * s
	}
}

// drawScoreboard draws the standings while Tab is held.
func (g *Game) drawScoreboard(dst *ebiten.Image) {
	s := g.ui()
	sc := &g.match.scene
	rows := sc.Roster
	rh := max(18*s, min(34*s, (g.h-200*s)/float64(max(len(rows), 1))))
	w := 520 * s
	h := 110*s + rh*float64(len(rows))
	r := rect{(g.w - w) / 2, max(80*s, (g.h-h)/2), w, h}
	panel(dst, r, 12*s, rgba(0x0b1220, 0xf2), colPanelEdge, 1.5*s)
	drawText(dst, "SCOREBOARD", face(true, 20*s), r.x+24*s, r.y+32*s, colText, text.AlignStart, text.AlignCenter)
	drawText(dst, fmt.Sprintf("first to %d · match %s", g.arena.ScoreLimit, shortID(sc.Match)), face(false, 13*s), r.x+r.w-24*s, r.y+32*s, colMuted, text.AlignEnd, text.AlignCenter)
	hy := r.y + 70*s
	hf := face(true, 12*s)
	cols := []float64{r.x + 24*s, r.x + 64*s, r.x + r.w - 150*s, r.x + r.w - 60*s}
	drawText(dst, "#", hf, cols[0], hy, colMuted, text.AlignStart, text.AlignCenter)
	drawText(dst, "PLAYER", hf, cols[1], hy, colMuted, text.AlignStart, text.AlignCenter)
	drawText(dst, "KILLS", hf, cols[2], hy, colMuted, text.AlignCenter, text.AlignCenter)
	drawText(dst, "DEATHS", hf, cols[3], hy, colMuted, text.AlignCenter, text.AlignCenter)
	fs := min(16*s, rh*0.55)
	f := face(false, fs)
	fb := face(true, fs)
	for i, p := range rows {
		y := hy + 20*s + float64(i)*rh + rh/2
		if p.Me {
			fillRect(dst, rect{r.x + 10*s, y - rh/2 + 2*s, r.w - 20*s, rh - 4*s}, fade(colAccentDark, 0.9))
		}
		ff := f
		if p.Me {
			ff = fb
		}
		name := p.Name
		if name == "" {
			name = fmt.Sprintf("player-%d", p.ID)
		}
		drawText(dst, fmt.Sprint(i+1), ff, cols[0], y, colMuted, text.AlignStart, text.AlignCenter)
		circle(dst, cols[1]+6*s, y, min(6*s, rh*0.25), playerColor(p.ID, sc.Me))
		drawText(dst, name, ff, cols[1]+20*s, y, colText, text.AlignStart, text.AlignCenter)
		drawText(dst, fmt.Sprint(p.Score), ff, cols[2], y, colText, text.AlignCenter, text.AlignCenter)
		drawText(dst, fmt.Sprint(p.Deaths), ff, cols[3], y, colText, text.AlignCenter, text.AlignCenter)
	}
}

// drawNetGraph draws the F3 overlay: bytes received per frame as bars,
// snapshot arrivals as ticks, and as lines the ping round trip, the
// interpolation delay, the frame time and the prediction error.
func (g *Game) drawNetGraph(dst *ebiten.Image, r rect) {
	s := g.ui()
	ms := &g.match
	gr := ms.graph
	st := ms.net
	w, h := r.w, r.h-66*s
	panel(dst, r, 8*s, colPanel, fade(colPanelEdge, 0.7), 1*s)
	area := rect{r.x + 10*s, r.y + 10*s, w - 20*s, h - 20*s}
	fillRect(dst, area, rgba(0x05080d, 0xc0))

	// Scales: bytes to the largest frame shown, times to 0..200 ms.
	maxB := 1.0
	for _, smp := range gr {
		maxB = max(maxB, float64(smp.BytesIn))
	}
	const maxMs = 200.0
	n := len(ms.frameMs)
	dx := area.w / float64(n)
	y := func(v float64) float64 { return area.y + area.h - math.Min(max(v, 0), maxMs)/maxMs*area.h }
	ms2 := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	off := n - len(gr)
	var prev [3][2]float64
	for i, smp := range gr {
		x := area.x + float64(off+i)*dx
		if smp.BytesIn > 0 {
			bh := float64(smp.BytesIn) / maxB * area.h * 0.5
			fillRect(dst, rect{x, area.y + area.h - bh, max(dx, 1), bh}, fade(colAccent, 0.55))
		}
		if smp.Snapshots > 0 {
			fillRect(dst, rect{x, area.y + area.h - 3*s, max(dx, 1), 3 * s}, colAccent)
		}
		if smp.Extrapolating {
			fillRect(dst, rect{x, area.y, max(dx, 1), 3 * s}, colBad)
		}
		pts := [3][2]float64{{x, y(ms2(smp.RTT))}, {x, y(ms2(smp.Delay))}, {x, y(float64(smp.PredictionError) * 10)}}
		if i > 0 {
			line(dst, prev[0][0], prev[0][1], pts[0][0], pts[0][1], 1.5*s, rgb(0xff922b))
			line(dst, prev[1][0], prev[1][1], pts[1][0], pts[1][1], 1.5*s, colGood)
			line(dst, prev[2][0], prev[2][1], pts[2][0], pts[2][1], 1.2*s, colBad)
		}
		prev = pts
	}
	// Frame times: the client's own ring, newest at the right.
	var pf [2]float64
	for i := range n {
		v := float64(ms.frameMs[(ms.frameNext+i)%n])
		p := [2]float64{area.x + float64(i)*dx, y(v)}
		if i > 0 && v > 0 && pf[1] != 0 {
			line(dst, pf[0], pf[1], p[0], p[1], 1.2*s, rgb(0xcc5de8))
		}
		pf = p
		if v == 0 {
			pf[1] = 0
		}
	}

	f := face(false, 12*s)
	ly := r.y + h + 4*s
	legend := func(x, y float64, c colorLike, label string) {
		fillRect(dst, rect{x, y - 4*s, 8 * s, 8 * s}, c)
		drawText(dst, label, f, x+12*s, y, colText, text.AlignStart, text.AlignCenter)
	}
	legend(area.x, ly, rgb(0xff922b), fmt.Sprintf("ping %d ±%d ms", st.Ping.Milliseconds(), st.RTTVar.Milliseconds()))
	legend(area.x+130*s, ly, colGood, fmt.Sprintf("interp %d ms (→%d)", st.Delay.Milliseconds(), st.TargetDelay.Milliseconds()))
	legend(area.x+270*s, ly, rgb(0xcc5de8), "frame")
	legend(area.x, ly+18*s, colAccent, fmt.Sprintf("in %s · %.0f snaps/s", kbps(st.BytesIn), st.SnapshotRate))
	legend(area.x+200*s, ly+18*s, colBad, fmt.Sprintf("pred. error %.1f ×10", st.PredictionError))
	drawText(dst, fmt.Sprintf("jitter %d ms · skipped %d · reconnects %d · out %s",
		st.Jitter.Milliseconds(), st.SkippedSnapshots, st.Reconnects, kbps(st.BytesOut)), f, area.x, ly+38*s, colMuted, text.AlignStart, text.AlignCenter)
}
