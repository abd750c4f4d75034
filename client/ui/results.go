package ui

import (
	"fmt"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
)

type resultsLayout struct {
	s               float64
	card, again, mn rect
	rowsY, rowH     float64
}

func (g *Game) resultsLayout() resultsLayout {
	s := g.ui()
	res := g.m.Results()
	n := min(len(res.Rows), 10)
	rh := 32 * s
	w := 520 * s
	h := 250*s + rh*float64(n)
	c := rect{(g.w - w) / 2, max(20*s, (g.h-h)/2), w, h}
	bw := (w - 64*s - 16*s) / 2
	by := c.y + c.h - 74*s
	return resultsLayout{
		s: s, card: c,
		again: rect{c.x + 32*s, by, bw, 48 * s},
		mn:    rect{c.x + 32*s + bw + 16*s, by, bw, 48 * s},
		rowsY: c.y + 150*s, rowH: rh,
	}
}

func (g *Game) updateResults() {
	l := g.resultsLayout()
	in := &g.in
	if in.confirm || (in.click && l.again.contains(in.cursorX, in.cursorY)) {
		g.m.Play()
		return
	}
	if in.back || (in.click && l.mn.contains(in.cursorX, in.cursorY)) {
		g.m.Leave()
		return
	}
	if l.again.contains(in.cursorX, in.cursorY) || l.mn.contains(in.cursorX, in.cursorY) {
		ebiten.SetCursorShape(ebiten.CursorShapePointer)
	} else {
		ebiten.SetCursorShape(ebiten.CursorShapeDefault)
	}
}

func (g *Game) drawResults(dst *ebiten.Image, now time.Time) {
	g.drawBackdrop(dst, now)
	l := g.resultsLayout()
	s := l.s
	c := l.card
	res := g.m.Results()
	panel(dst, c, 16*s, colPanel, colPanelEdge, 1.5*s)
	drawText(dst, "MATCH OVER", face(true, 34*s), c.cx(), c.y+50*s, colText, text.AlignCenter, text.AlignCenter)
	head, col := "Nobody wins", colMuted
	switch {
	case res.Winner != 0 && res.Winner == res.Me:
		head, col = "You win!", colGood
	case res.Winner != 0:
		head, col = res.WinnerName+" wins", playerColor(res.Winner, res.Me)
	}
	drawText(dst, head, face(true, 22*s), c.cx(), c.y+88*s, col, text.AlignCenter, text.AlignCenter)
	drawText(dst, res.Reason, face(false, 14*s), c.cx(), c.y+114*s, colMuted, text.AlignCenter, text.AlignCenter)

	cols := []float64{c.x + 36*s, c.x + 76*s, c.x + c.w - 150*s, c.x + c.w - 64*s}
	hf := face(true, 12*s)
	hy := l.rowsY - 8*s
	drawText(dst, "#", hf, cols[0], hy, colMuted, text.AlignStart, text.AlignCenter)
	drawText(dst, "PLAYER", hf, cols[1], hy, colMuted, text.AlignStart, text.AlignCenter)
	drawText(dst, "KILLS", hf, cols[2], hy, colMuted, text.AlignCenter, text.AlignCenter)
	drawText(dst, "DEATHS", hf, cols[3], hy, colMuted, text.AlignCenter, text.AlignCenter)
	for i, row := range res.Rows {
		if i >= 10 {
			break
		}
		y := l.rowsY + 12*s + float64(i)*l.rowH + l.rowH/2
		f := face(row.Me, 16*s)
		if row.Me {
			fillRect(dst, rect{c.x + 20*s, y - l.rowH/2 + 2*s, c.w - 40*s, l.rowH - 4*s}, fade(colAccentDark, 0.9))
		}
		drawText(dst, fmt.Sprint(row.Rank), f, cols[0], y, colMuted, text.AlignStart, text.AlignCenter)
		circle(dst, cols[1]+6*s, y, 6*s, playerColor(row.ID, res.Me))
		drawText(dst, row.Name, f, cols[1]+20*s, y, colText, text.AlignStart, text.AlignCenter)
		drawText(dst, fmt.Sprint(row.Score), f, cols[2], y, colText, text.AlignCenter, text.AlignCenter)
		drawText(dst, fmt.Sprint(row.Deaths), f, cols[3], y, colText, text.AlignCenter, text.AlignCenter)
	}
	button(dst, l.again, "PLAY AGAIN", s, true, l.again.contains(g.in.cursorX, g.in.cursorY))
	button(dst, l.mn, "MENU", s, false, l.mn.contains(g.in.cursorX, g.in.cursorY))
	drawText(dst, "Enter to play again · Esc for the menu", face(false, 13*s), c.cx(), c.y+c.h-14*s, fade(colMuted, 0.8), text.AlignCenter, text.AlignCenter)
}
