package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
	"github.com/skirmishgg/skirmish/client/clientnet"
	"github.com/skirmishgg/skirmish/client/ui/play"
)

// replayRows is how many recordings the replay list shows at once; the
// rest scroll (↑/↓, Page Up/Down, Home/End, the wheel).
const replayRows = 6

// replayList is the REPLAYS screen's state: the server's recordings,
// newest first, which of them show and which is selected.
type replayList struct {
	list   *play.ReplayList
	top    int     // index of the first row shown
	sel    int     // the selected recording (Enter opens it)
	wheel  float64 // the wheel's turn not yet a whole row
	mx, my float64 // the cursor when last seen: hovering selects once it moves
}

// replayListLayout places the replay list's card, rows and back button:
// the watch list's card and rows, and a line under them for the scroll.
type replayListLayout struct {
	s                  float64
	card, back, scroll rect
	rows               [replayRows]rect
}

func (g *Game) replayListLayout() replayListLayout {
	w := g.watchLayout()
	l := replayListLayout{s: w.s, card: w.card, back: w.back}
	copy(l.rows[:], w.rows[:replayRows])
	last := l.rows[replayRows-1]
	l.scroll = rect{last.x, last.y + last.h, last.w, l.back.y - last.y - last.h}
	return l
}

// openReplayList shows the REPLAYS screen and starts reading the list.
func (g *Game) openReplayList() {
	g.menu.replays = &replayList{list: g.m.OpenReplayList()}
}

// replayItems is the list as read; nil while it loads or when it failed.
func (r *replayList) items() (items []clientnet.ReplayInfo, ready bool, err error) {
	if !r.list.Ready() {
		return nil, false, nil
	}
	items, err = r.list.Result()
	return items, true, err
}

// updateReplayList: ↑/↓ (or hovering) select, Enter or a click opens the
// recording in the replay viewer, the wheel and Page Up/Down scroll; Esc
// or BACK returns to the menu.
func (g *Game) updateReplayList() {
	r := g.menu.replays
	l := g.replayListLayout()
	in := &g.in
	items, _, _ := r.items()
	if in.back || (in.click && l.back.contains(in.cursorX, in.cursorY)) {
		g.menu.replays = nil
		ebiten.SetCursorShape(ebiten.CursorShapeDefault)
		return
	}
	n := len(items)
	page := replayRows - 1
	switch {
	case in.navUp:
		r.sel--
	case in.navDown:
		r.sel++
	case in.pageUp:
		r.sel -= page
		r.top -= page
	case in.pageDown:
		r.sel += page
		r.top += page
	case in.home:
		r.sel = 0
	case in.end:
		r.sel = n - 1
	}
	r.sel = max(0, min(r.sel, n-1))
	if r.sel < r.top {
		r.top = r.sel
	}
	if r.sel >= r.top+replayRows {
		r.top = r.sel - replayRows + 1
	}
	// The wheel scrolls the rows, and the selection with them.
	r.wheel += in.wheel
	for ; r.wheel >= 1; r.wheel-- {
		r.top--
	}
	for ; r.wheel <= -1; r.wheel++ {
		r.top++
	}
	r.top = max(0, min(r.top, n-replayRows))
	r.sel = max(r.top, min(r.sel, r.top+replayRows-1, n-1))

	moved := in.cursorX != r.mx || in.cursorY != r.my
	r.mx, r.my = in.cursorX, in.cursorY
	pointer := l.back.contains(in.cursorX, in.cursorY)
	for i := range min(replayRows, n-r.top) {
		if !l.rows[i].contains(in.cursorX, in.cursorY) {
			continue
		}
		pointer = true
		if moved || in.click {
			r.sel = r.top + i
		}
		if in.click {
			g.watchReplay(items[r.sel].Name)
			return
		}
	}
	if in.confirm && n > 0 {
		g.watchReplay(items[r.sel].Name)
		return
	}
	if pointer {
		ebiten.SetCursorShape(ebiten.CursorShapePointer)
	} else {
		ebiten.SetCursorShape(ebiten.CursorShapeDefault)
	}
}

// watchReplay opens the server's recording name in the replay viewer;
// leaving it (Esc) comes back to the list.
func (g *Game) watchReplay(name string) {
	u, err := g.m.ReplayURL(name)
	if err != nil { // the list was read from this address: not expected
		g.menu.replays = nil
		return
	}
	ebiten.SetCursorShape(ebiten.CursorShapeDefault)
	g.replay = startReplay(g.ctx, u)
}

func (g *Game) drawReplayList(dst *ebiten.Image, now time.Time) {
	g.drawBackdrop(dst, now)
	r := g.menu.replays
	l := g.replayListLayout()
	s, c := l.s, l.card
	panel(dst, c, 16*s, colPanel, colPanelEdge, 1.5*s)
	drawText(dst, "REPLAYS", face(true, 30*s), c.cx(), c.y+48*s, colAccent, text.AlignCenter, text.AlignCenter)
	items, ready, err := r.items()
	msg, more := "", ""
	switch {
	case !ready:
		msg = "Looking for recordings…"
	case err != nil:
		msg, more = replayListError(err)
	case len(items) == 0:
		msg, more = "No match has been recorded on this server yet.", "Recorded matches appear here once they start."
	}
	if msg != "" {
		drawWrapped(dst, msg, face(true, 16*s), c.cx(), l.rows[1].cy(), c.w-64*s, colText)
		drawWrapped(dst, more, face(false, 14*s), c.cx(), l.rows[2].cy(), c.w-64*s, colMuted)
	}
	for i := range min(replayRows, len(items)-r.top) {
		it, row := items[r.top+i], l.rows[i]
		edge := colPanelEdge
		if r.top+i == r.sel {
			edge = colAccent
		}
		panel(dst, row, 8*s, rgba(0x070b12, 0xff), edge, 1.5*s)
		drawText(dst, replayTitle(it), face(true, 15*s), row.x+12*s, row.cy(), colText, text.AlignStart, text.AlignCenter)
		drawText(dst, byteSize(it.Size)+" · "+ago(now, it.Modified), face(false, 14*s), row.x+row.w-12*s, row.cy(), colMuted, text.AlignEnd, text.AlignCenter)
	}
	if len(items) > replayRows {
		at := fmt.Sprintf("%d–%d of %d · ↑/↓, wheel or Page Up/Down to scroll", r.top+1, min(r.top+replayRows, len(items)), len(items))
		drawText(dst, at, face(false, 13*s), l.scroll.cx(), l.scroll.cy(), colMuted, text.AlignCenter, text.AlignCenter)
	} else if len(items) > 0 {
		drawText(dst, "Enter or click to watch · Esc back", face(false, 13*s), l.scroll.cx(), l.scroll.cy(), colMuted, text.AlignCenter, text.AlignCenter)
	}
	button(dst, l.back, "BACK", s, false, l.back.contains(g.in.cursorX, g.in.cursorY))
}

// replayListError says in plain words why the list is not there, and
// what to do about it.
func replayListError(err error) (msg, more string) {
	switch {
	case errors.Is(err, clientnet.ErrNotShared):
		return "This server does not share its replays.",
			"Its operator can share them by running it with -record DIR -serve-replays."
	case errors.Is(err, clientnet.ErrAddress):
		return "The SERVER field is not a server address.", "Go back and check it."
	case errors.Is(err, clientnet.ErrUnreachable):
		return "The server did not answer.", "It may be down: check the SERVER field, or try again in a moment."
	case errors.Is(err, context.DeadlineExceeded):
		return "The server took too long to answer.", "Try again in a moment."
	}
	return "The server could not list its replays.", "Try again later."
}

// replayTitle names a recording: its match and how long it ran, or its
// file name.
func replayTitle(it clientnet.ReplayInfo) string {
	name := it.Match
	if name == "" {
		name = strings.TrimSuffix(it.Name, ".skrec")
	}
	switch d := it.Length(); {
	case d <= 0 || d > maxShownLength:
		return "match " + shortID(name)
	case d >= time.Hour:
		return fmt.Sprintf("match %s · %dh%02d", shortID(name), int(d.Hours()), int(d.Minutes())%60)
	default:
		return "match " + shortID(name) + " · " + clock(d)
	}
}

// maxShownLength is the longest match length the list believes: the
// length is the file's last write less the start in its name, and a
// copied or touched file's is not the match's.
const maxShownLength = 12 * time.Hour

// byteSize is a file size in words: 812 B, 48 KB, 1.2 MB.
func byteSize(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1_000_000:
		return fmt.Sprintf("%d KB", (n+500)/1000)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}

// ago says how long ago t was, in words.
func ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case t.IsZero():
		return ""
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	}
	return fmt.Sprintf("%d days ago", int(d.Hours()/24))
}
