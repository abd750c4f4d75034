package ui

import (
	"fmt"
	"math"
	"time"
	"unicode/utf8"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
	"github.com/skirmishgg/skirmish/client/ui/play"
)

// field is what the menu's keyboard focus is on: a text field, or one of
// the buttons under PLAY (Enter presses it).
type field int

const (
	fieldServer field = iota
	fieldName
	fieldWatch
	fieldReplays
)

// nextFocus is the focus after f on Tab, in the menu's order, skipping
// the SERVER field when it is hidden.
func nextFocus(f field, showServer bool) field {
	f = (f + 1) % (fieldReplays + 1)
	if f == fieldServer && !showServer {
		f = fieldName
	}
	return f
}

// MenuStatus is where the menu is, for Options.OnMenu: the field or
// button in focus ("server", "name", "watch", "replays") and the list
// open over it ("", "watch", "replays").
type MenuStatus struct {
	Focus, List string
}

func (f field) String() string {
	switch f {
	case fieldServer:
		return "server"
	case fieldName:
		return "name"
	case fieldWatch:
		return "watch"
	default:
		return "replays"
	}
}

// reportMenu tells Options.OnMenu where the menu is, when that changed.
func (g *Game) reportMenu() {
	if g.opts.OnMenu == nil {
		return
	}
	st := MenuStatus{Focus: g.menu.focus.String()}
	switch {
	case g.menu.watch != nil:
		st.List = "watch"
	case g.menu.replays != nil:
		st.List = "replays"
	}
	if st != g.menu.reported {
		g.menu.reported = st
		g.opts.OnMenu(st)
	}
}

type menuState struct {
	reported MenuStatus      // what OnMenu was last told
	watch    *play.WatchList // the list of matches to watch, while it shows
	replays  *replayList     // the list of recordings, while it shows
	advanced bool            // the SERVER field shows (always, unless Options.HideServer)
	focus    field
	typed    time.Time // last keystroke: the caret stays lit while typing
}

// menuLayout places the menu's card, fields and button.
type menuLayout struct {
	s                                          float64
	card, server, name, button, watch, replays rect
}

func (g *Game) menuLayout() menuLayout {
	s := g.ui()
	w, h := 440*s, 476*s
	if e := g.m.Err(); e != "" {
		// Room for the whole message inside the card.
		f := face(false, 14*s)
		lines := len(wrap(e, f, w-40*s))
		h += max(0, float64(lines-1)) * (f.Metrics().HAscent + f.Metrics().HDescent + 4)
	}
	card := rect{(g.w - w) / 2, (g.h - h) / 2, w, h}
	pad := 32 * s
	fw := w - 2*pad
	return menuLayout{
		s:      s,
		card:   card,
		server: rect{card.x + pad, card.y + 150*s, fw, 44 * s},
		name:   rect{card.x + pad, card.y + 234*s, fw, 44 * s},
		button: rect{card.x + pad, card.y + 308*s, fw, 50 * s},
		// WATCH A MATCH and REPLAYS share a row under PLAY.
		watch:   rect{card.x + pad, card.y + 366*s, (fw - 10*s) / 2, 36 * s},
		replays: rect{card.x + pad + (fw+10*s)/2, card.y + 366*s, (fw - 10*s) / 2, 36 * s},
	}
}

func (g *Game) updateMenu() {
	defer g.reportMenu()
	if g.menu.watch != nil {
		g.updateWatchList()
		return
	}
	if g.menu.replays != nil {
		g.updateReplayList()
		return
	}
	l := g.menuLayout()
	in := &g.in
	m := g.m
	showServer := g.menu.advanced || !g.opts.HideServer
	if in.click {
		switch {
		case !showServer && l.server.contains(in.cursorX, in.cursorY):
			g.menu.advanced, g.menu.focus = true, fieldServer
		case l.server.contains(in.cursorX, in.cursorY):
			g.menu.focus = fieldServer
		case l.name.contains(in.cursorX, in.cursorY):
			g.menu.focus = fieldName
		case l.button.contains(in.cursorX, in.cursorY):
			m.Play()
			return
		case l.watch.contains(in.cursorX, in.cursorY):
			g.menu.watch = m.OpenWatchList()
			return
		case l.replays.contains(in.cursorX, in.cursorY):
			g.openReplayList()
			return
		}
	}
	if in.tab {
		g.menu.focus = nextFocus(g.menu.focus, showServer)
	}
	var ptr *string // the text field in focus, if one is
	limit := 32
	switch g.menu.focus {
	case fieldName:
		ptr = &m.Name
	case fieldServer:
		ptr, limit = &m.Server, 200
	}
	if ptr != nil && len(in.chars) > 0 {
		*ptr += string(in.chars)
		if g.menu.focus == fieldName {
			*ptr = play.TruncateName(*ptr)
		} else if len(*ptr) > limit {
			*ptr = (*ptr)[:limit]
		}
		g.menu.typed = time.Now()
	}
	if ptr != nil && in.backspace && len(*ptr) > 0 {
		_, n := utf8.DecodeLastRuneInString(*ptr)
		*ptr = (*ptr)[:len(*ptr)-n]
		g.menu.typed = time.Now()
	}
	switch {
	case in.confirm && g.menu.focus == fieldWatch:
		g.menu.watch = m.OpenWatchList()
		return
	case in.confirm && g.menu.focus == fieldReplays:
		g.openReplayList()
		return
	case in.confirm:
		m.Play()
	}
	g.menuCursor(l)
}

// menuCursor shows what the mouse is over: a pointer on buttons, a text
// cursor on fields.
func (g *Game) menuCursor(l menuLayout) {
	in := &g.in
	hover := l.server.contains(in.cursorX, in.cursorY) || l.name.contains(in.cursorX, in.cursorY)
	switch {
	case l.button.contains(in.cursorX, in.cursorY), l.watch.contains(in.cursorX, in.cursorY), l.replays.contains(in.cursorX, in.cursorY):
		ebiten.SetCursorShape(ebiten.CursorShapePointer)
	case hover:
		ebiten.SetCursorShape(ebiten.CursorShapeText)
	default:
		ebiten.SetCursorShape(ebiten.CursorShapeDefault)
	}
}

func (g *Game) drawMenu(dst *ebiten.Image, now time.Time) {
	if g.menu.watch != nil {
		g.drawWatchList(dst, now)
		return
	}
	if g.menu.replays != nil {
		g.drawReplayList(dst, now)
		return
	}
	g.drawBackdrop(dst, now)
	l := g.menuLayout()
	s := l.s
	c := l.card
	panel(dst, c, 16*s, colPanel, colPanelEdge, 1.5*s)

	drawText(dst, "SKIRMISH", face(true, 46*s), c.cx(), c.y+62*s, colAccent, text.AlignCenter, text.AlignCenter)
	drawText(dst, "top-down arena shooter · first to 20", face(false, 15*s), c.cx(), c.y+100*s, colMuted, text.AlignCenter, text.AlignCenter)

	if g.menu.advanced || !g.opts.HideServer {
		g.drawField(dst, l.server, "SERVER", g.m.Server, "localhost:8080", g.menu.focus == fieldServer, now, s)
	} else {
		drawText(dst, "Advanced: choose another server…", face(false, 14*s), l.server.cx(), l.server.cy(), fade(colMuted, 0.9), text.AlignCenter, text.AlignCenter)
	}
	g.drawField(dst, l.name, "NAME", g.m.Name, "a random name", g.menu.focus == fieldName, now, s)
	button(dst, l.button, "PLAY", s, true, l.button.contains(g.in.cursorX, g.in.cursorY))
	focus := g.menu.focus
	button(dst, l.watch, "WATCH A MATCH", s, false, focus == fieldWatch || l.watch.contains(g.in.cursorX, g.in.cursorY))
	button(dst, l.replays, "REPLAYS", s, false, focus == fieldReplays || l.replays.contains(g.in.cursorX, g.in.cursorY))

	hint := "Enter to play · Tab moves to the next field or button"
	col := colMuted
	if e := g.m.Err(); e != "" {
		hint, col = e, colBad
	}
	drawWrapped(dst, hint, face(false, 14*s), c.cx(), l.watch.y+l.watch.h+22*s, c.w-40*s, col)

	drawText(dst, "WASD move · mouse aim · click or Space fire · Tab scores · F3 net graph · gamepad works too",
		face(false, 13*s), g.w/2, g.h-22*s, fade(colMuted, 0.8), text.AlignCenter, text.AlignCenter)
}

// drawField draws a labelled text box.
func (g *Game) drawField(dst *ebiten.Image, r rect, label, value, placeholder string, focused bool, now time.Time, s float64) {
	drawText(dst, label, face(true, 12*s), r.x+2*s, r.y-10*s, colMuted, text.AlignStart, text.AlignCenter)
	edge := colPanelEdge
	if focused {
		edge = colAccent
	}
	panel(dst, r, 8*s, rgba(0x070b12, 0xff), edge, 1.5*s)
	f := face(false, 18*s)
	tx := r.x + 12*s
	maxW := r.w - 24*s
	shown := value
	for shown != "" && textWidth(shown, f) > maxW { // keep the end in view
		_, n := utf8.DecodeRuneInString(shown)
		shown = shown[n:]
	}
	if value == "" && !focused {
		drawText(dst, placeholder, f, tx, r.cy(), fade(colMuted, 0.7), text.AlignStart, text.AlignCenter)
	} else {
		drawText(dst, shown, f, tx, r.cy(), colText, text.AlignStart, text.AlignCenter)
	}
	if focused && (now.Sub(g.menu.typed) < 500*time.Millisecond || now.UnixMilli()/530%2 == 0) {
		x := tx + textWidth(shown, f) + 2*s
		fillRect(dst, rect{x, r.y + 11*s, 2 * s, r.h - 22*s}, colAccent)
	}
}

// drawWrapped draws s centred at cx from y down, wrapped at width w.
func drawWrapped(dst *ebiten.Image, s string, f text.Face, cx, y, w float64, clr colorLike) {
	lines := wrap(s, f, w)
	lh := f.Metrics().HAscent + f.Metrics().HDescent + 4
	for i, ln := range lines {
		drawText(dst, ln, f, cx, y+float64(i)*lh, clr, text.AlignCenter, text.AlignCenter)
	}
}

func wrap(s string, f text.Face, w float64) []string {
	var lines []string
	line := ""
	word := ""
	flush := func() {
		if line == "" {
			line = word
		} else if textWidth(line+" "+word, f) <= w {
			line += " " + word
		} else {
			lines = append(lines, line)
			line = word
		}
		word = ""
	}
	for _, r := range s {
		if r == ' ' {
			flush()
			continue
		}
		word += string(r)
	}
	flush()
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// drawBackdrop is the menus' background: the arena's floor drifting slowly
// under a few wandering players.
func (g *Game) drawBackdrop(dst *ebiten.Image, now time.Time) {
	dst.Fill(colBackground)
	s := g.ui()
	t := float64(now.UnixMilli()%1_000_000) / 1000
	step := 64 * s
	ox := math.Mod(t*8*s, step)
	oy := math.Mod(t*5*s, step)
	for x := -ox; x < g.w; x += step {
		fillRect(dst, rect{x, 0, 1 * s, g.h}, colGrid)
	}
	for y := -oy; y < g.h; y += step {
		fillRect(dst, rect{0, y, g.w, 1 * s}, colGrid)
	}
	for i := range 7 {
		fi := float64(i)
		a := t*(0.05+0.02*fi) + fi*1.7
		x := g.w/2 + math.Cos(a)*g.w*(0.25+0.03*fi)
		y := g.h/2 + math.Sin(a*1.3)*g.h*(0.3+0.02*fi)
		r := (14 + 3*fi) * s
		c := fade(playerColors[1+i%(len(playerColors)-1)], 0.22)
		circle(dst, x, y, r, c)
		line(dst, x, y, x+math.Cos(a+1.6)*r*1.6, y+math.Sin(a+1.6)*r*1.6, r*0.45, c)
	}
	// A vignette: darker edges.
	for i := range 6 {
		k := float64(i) / 6
		fillRect(dst, rect{0, 0, g.w, g.h * 0.04 * (1 - k)}, fade(colBackground, 0.25))
		fillRect(dst, rect{0, g.h - g.h*0.04*(1-k), g.w, g.h * 0.04 * (1 - k)}, fade(colBackground, 0.25))
	}
}

// drawWaiting is the waiting screen: connecting, then joined and waiting
// for the first snapshot.
func (g *Game) drawWaiting(dst *ebiten.Image, now time.Time) {
	g.drawBackdrop(dst, now)
	s := g.ui()
	cx, cy := g.w/2, g.h/2
	spinner(dst, cx, cy-40*s, 26*s, now, s)
	title, sub := "Connecting…", g.m.Server
	if u, err := play.NormalizeURL(g.m.Server); err == nil {
		sub = u
	}
	st := g.m.State()
	if g.m.Phase() == play.PhaseWaiting {
		switch {
		case st.Status == play.StatusQueued:
			title = "Waiting for players…"
			q := st.Queue
			elapsed := time.Duration(q.ElapsedMs) * time.Millisecond
			if !st.QueuedAt.IsZero() {
				elapsed = now.Sub(st.QueuedAt) // counts up between the matchmaker's updates
			}
			sub = fmt.Sprintf("in the matchmaker's queue · %ds", int(elapsed.Seconds()))
			if st.Ahead > 0 {
				sub += fmt.Sprintf(" · %d ahead", st.Ahead)
			}
			if q.EstimatedMs > 0 {
				sub += fmt.Sprintf(" · usually %ds", (q.EstimatedMs+999)/1000)
			}
		default:
			title = "Joining the match…"
			sub = "match " + shortID(st.Match) + " · waiting for the first snapshot"
		}
	}
	if st.Notice != "" {
		drawWrapped(dst, st.Notice, face(true, 17*s), cx, cy-100*s, min(g.w-40*s, 640*s), colWarn)
	}
	drawText(dst, title, face(true, 26*s), cx, cy+20*s, colText, text.AlignCenter, text.AlignCenter)
	drawText(dst, sub, face(false, 15*s), cx, cy+52*s, colMuted, text.AlignCenter, text.AlignCenter)
	drawText(dst, "Esc to cancel", face(false, 13*s), cx, cy+84*s, fade(colMuted, 0.7), text.AlignCenter, text.AlignCenter)
}

func shortID(s string) string {
	if len(s) > 8 {
		return s[:8]
	}
	return s
}

// spinner draws twelve dots chasing around a circle.
func spinner(dst *ebiten.Image, cx, cy, r float64, now time.Time, s float64) {
	t := float64(now.UnixMilli()%100000) / 1000
	head := math.Mod(t*1.4, 1) * 12
	for i := range 12 {
		a := float64(i) / 12 * 2 * math.Pi
		d := math.Mod(head-float64(i)+12, 12)
		k := 1 - d/12
		circle(dst, cx+math.Cos(a)*r, cy+math.Sin(a)*r, (2+2.5*k)*s, fade(colAccent, 0.15+0.85*k*k))
	}
}
