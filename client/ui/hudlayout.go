package ui

// The match screen's layout: where each piece of the HUD goes, and the
// part of the screen kept clear for the player's own avatar. The camera
// keeps the avatar within avatarSlack of the screen's centre (see
// play.Camera.Follow), so no HUD box may reach into that zone: nothing ever
// covers the player. TestHUDLayout checks it from these boxes.

// Zone of the own avatar, in UI units (multiplied by the UI scale): how
// far its centre may stray from the screen's centre, and what is drawn
// around it (the body and its ring, the name and health bar above).
const (
	avatarSlackX = 0.12 // of the screen's width
	avatarSlackY = 0.08 // of the screen's height
	avatarHalfW  = 64   // the name and the health bar
	avatarAbove  = 40   // above the body: the health bar, then the name
	avatarBelow  = 10   // below the body: its ring and shadow
)

// maxFeedRows is how many kill-feed lines show at once.
const maxFeedRows = 5

// hudLayout is where the HUD's boxes go on a w×h screen at UI scale s.
type hudLayout struct {
	s       float64
	dev     rect // developer figures (F3): PING, FPS, TICK, IN, OUT, INTERP
	graph   rect // the network graph (F3), under the figures
	score   rect // own score and rank, top centre
	banner  rect // connection stalled / reconnecting / waiting for players
	feed    rect // kill feed, top right (all maxFeedRows lines)
	health  rect // health bar and deaths, bottom centre
	hint    rect // key hints, bottom left
	avatar  rect // where the own avatar can be drawn
	showDev bool
}

// layoutHUD lays the match screen out. bodyR is the avatar's radius on
// screen, pixels.
func layoutHUD(w, h, s, bodyR float64, showDev bool) hudLayout {
	l := hudLayout{s: s, showDev: showDev}
	l.dev = rect{12 * s, 12 * s, 372 * s, 56 * s}
	l.graph = rect{12 * s, l.dev.y + l.dev.h + 8*s, 380 * s, 186 * s}
	l.score = rect{w/2 - 130*s, 12 * s, 260 * s, 58 * s}
	l.feed = rect{w - 16*s - 300*s, 11 * s, 300 * s, maxFeedRows*32*s - 6*s}
	// The banner: centred under the score, between the network graph and
	// the kill feed on a small screen (its text shrinks to fit).
	left, right := w/2-210*s, w/2+210*s
	if showDev {
		left = max(left, l.graph.x+l.graph.w+8*s)
	}
	right = min(right, l.feed.x-8*s)
	l.banner = rect{left, l.score.y + l.score.h + 8*s, right - left, 44 * s}
	hb := rect{w/2 - 150*s, h - 44*s, 300 * s, 16 * s}
	l.health = rect{hb.x - 4*s, hb.y - 4*s, hb.w + 8*s + 110*s, hb.h + 8*s}
	l.hint = rect{12 * s, h - 26*s, 290 * s, 20 * s}
	sx, sy := avatarSlackX*w, avatarSlackY*h
	halfW := max(avatarHalfW*s, bodyR+8*s)
	l.avatar = rect{w/2 - sx - halfW, h/2 - sy - bodyR - avatarAbove*s, 2 * (sx + halfW), 2*sy + 2*bodyR + (avatarAbove+avatarBelow)*s}
	return l
}

// healthBar is the bar itself inside the health box.
func (l hudLayout) healthBar() rect {
	s := l.s
	return rect{l.health.x + 4*s, l.health.y + 4*s, 300 * s, 16 * s}
}

// boxes lists the HUD boxes on screen (the developer ones only when shown)
// with their names, for the layout test.
func (l hudLayout) boxes() map[string]rect {
	b := map[string]rect{"score": l.score, "banner": l.banner, "feed": l.feed, "health": l.health, "hint": l.hint}
	if l.showDev {
		b["dev"], b["graph"] = l.dev, l.graph
	}
	return b
}

func (r rect) overlaps(o rect) bool {
	return r.x < o.x+o.w && o.x < r.x+r.w && r.y < o.y+o.h && o.y < r.y+r.h
}

// inside reports whether r lies within a w×h screen.
func (r rect) inside(w, h float64) bool {
	return r.x >= 0 && r.y >= 0 && r.x+r.w <= w && r.y+r.h <= h
}
