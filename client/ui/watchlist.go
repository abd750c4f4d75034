package ui

import (
	"fmt"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
	"github.com/skirmishgg/skirmish/client/clientnet"
)

// maxWatchRows is how many matches the watch list shows: the oldest, as
// the server lists them.
const maxWatchRows = 6

// watchLayout places the watch list's card, rows and back button.
type watchLayout struct {
	s          float64
	card, back rect
	rows       [maxWatchRows]rect
}

func (g *Game) watchLayout() watchLayout {
	s := g.ui()
	w, h := 520*s, 476*s
	card := rect{(g.w - w) / 2, (g.h - h) / 2, w, h}
	pad := 32 * s
	l := watchLayout{s: s, card: card, back: rect{card.x + pad, card.y + h - 74*s, w - 2*pad, 44 * s}}
	for i := range l.rows {
		l.rows[i] = rect{card.x + pad, card.y + 96*s + float64(i)*46*s, w - 2*pad, 40 * s}
	}
	return l
}

// watchRows is the list as far as it is shown; nil while it loads or
// when it failed.
func (g *Game) watchRows() (rows []clientnet.MatchInfo, ready bool, err error) {
	w := g.menu.watch
	if !w.Ready() {
		return nil, false, nil
	}
	list, err := w.Result()
	return list[:min(len(list), maxWatchRows)], true, err
}

// updateWatchList: a click on a match watches it; Esc or BACK returns to
// the menu.
func (g *Game) updateWatchList() {
	l := g.watchLayout()
	in := &g.in
	rows, _, _ := g.watchRows()
	if in.back || (in.click && l.back.contains(in.cursorX, in.cursorY)) {
		g.menu.watch = nil
		return
	}
	pointer := l.back.contains(in.cursorX, in.cursorY)
	for i, m := range rows {
		if !l.rows[i].contains(in.cursorX, in.cursorY) || !m.Spectatable {
			continue
		}
		pointer = true
		if in.click {
			g.menu.watch = nil
			g.m.Spectate(m.ID)
			return
		}
	}
	if pointer {
		ebiten.SetCursorShape(ebiten.CursorShapePointer)
	} else {
		ebiten.SetCursorShape(ebiten.CursorShapeDefault)
	}
}

func (g *Game) drawWatchList(dst *ebiten.Image, now time.Time) {
	g.drawBackdrop(dst, now)
	l := g.watchLayout()
	s, c := l.s, l.card
	panel(dst, c, 16*s, colPanel, colPanelEdge, 1.5*s)
	drawText(dst, "WATCH A MATCH", face(true, 30*s), c.cx(), c.y+48*s, colAccent, text.AlignCenter, text.AlignCenter)
	rows, ready, err := g.watchRows()
	msg := ""
	switch {
	case !ready:
		msg = "Looking for matches…"
	case err != nil:
		msg = "Could not list the server's matches: " + err.Error()
	case len(rows) == 0:
		msg = "No match is being played right now: go back and press Play to start one."
	}
	if msg != "" {
		drawWrapped(dst, msg, face(false, 15*s), c.cx(), l.rows[1].cy(), c.w-64*s, colMuted)
	}
	for i, m := range rows {
		r := l.rows[i]
		hover := m.Spectatable && r.contains(g.in.cursorX, g.in.cursorY)
		fill, edge, fg := rgba(0x070b12, 0xff), colPanelEdge, colText
		if hover {
			edge = colAccent
		}
		if !m.Spectatable {
			fg = colMuted
		}
		panel(dst, r, 8*s, fill, edge, 1.5*s)
		mode := m.Mode
		if mode == "" {
			mode = m.Game
		}
		drawText(dst, fmt.Sprintf("%s · %d/%d players", mode, m.Players, m.MaxPlayers), face(true, 15*s), r.x+12*s, r.cy(), fg, text.AlignStart, text.AlignCenter)
		right := fmt.Sprintf("%d watching · %s", m.Spectators, since(now, m.Started))
		if !m.Spectatable {
			right = "full"
		}
		drawText(dst, right, face(false, 14*s), r.x+r.w-12*s, r.cy(), colMuted, text.AlignEnd, text.AlignCenter)
	}
	button(dst, l.back, "BACK", s, false, l.back.contains(g.in.cursorX, g.in.cursorY))
}

// since says how long ago t was, in words for the watch list.
func since(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case t.IsZero() || d < time.Minute:
		return "just started"
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	}
	return fmt.Sprintf("%dh%02d", int(d.Hours()), int(d.Minutes())%60)
}
