package ui

import (
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"
)

// rect is a screen rectangle in pixels.
type rect struct{ x, y, w, h float64 }

func (r rect) contains(x, y float64) bool {
	return x >= r.x && y >= r.y && x < r.x+r.w && y < r.y+r.h
}

func (r rect) cx() float64 { return r.x + r.w/2 }
func (r rect) cy() float64 { return r.y + r.h/2 }

// drawText draws s with its anchor at (x, y): ax and ay pick which part of
// the text's box the anchor is (start, centre or end).
func drawText(dst *ebiten.Image, s string, f text.Face, x, y float64, clr color.Color, ax, ay text.Align) {
	op := &text.DrawOptions{}
	op.GeoM.Translate(x, y)
	op.ColorScale.ScaleWithColor(clr)
	op.PrimaryAlign = ax
	op.SecondaryAlign = ay
	text.Draw(dst, s, f, op)
}

// drawTextShadow draws s with a soft dark shadow, for text over the arena.
func drawTextShadow(dst *ebiten.Image, s string, f text.Face, x, y float64, clr color.Color, ax, ay text.Align, k float64) {
	drawText(dst, s, f, x+k, y+k, color.RGBA{0, 0, 0, 0xb0}, ax, ay)
	drawText(dst, s, f, x, y, clr, ax, ay)
}

func textWidth(s string, f text.Face) float64 { return text.Advance(s, f) }

// fillRect fills r.
func fillRect(dst *ebiten.Image, r rect, clr color.Color) {
	vector.FillRect(dst, float32(r.x), float32(r.y), float32(r.w), float32(r.h), clr, false)
}

// panel draws a rounded translucent card with a thin edge.
func panel(dst *ebiten.Image, r rect, radius float64, fill, edge color.RGBA, edgeW float64) {
	panelAlpha(dst, r, radius, fill, edge, edgeW, 1)
}

// panelAlpha draws a panel at opacity alpha. Antialiased paths are costly
// to fill every frame (a software GL spends milliseconds on a few), so each
// panel shape is drawn once into an image and reused.
func panelAlpha(dst *ebiten.Image, r rect, radius float64, fill, edge color.RGBA, edgeW, alpha float64) {
	w, h := int(math.Ceil(r.w)), int(math.Ceil(r.h))
	if w <= 0 || h <= 0 || alpha <= 0 {
		return
	}
	k := panelKey{w, h, int(radius * 4), int(edgeW * 4), fill, edge}
	img := panels[k]
	if img == nil {
		if len(panels) >= 128 {
			for _, im := range panels {
				im.Deallocate()
			}
			clear(panels)
		}
		img = ebiten.NewImage(w, h)
		var p vector.Path
		in := edgeW / 2
		roundRect(&p, rect{in, in, float64(w) - 2*in, float64(h) - 2*in}, radius)
		op := &vector.DrawPathOptions{AntiAlias: true}
		op.ColorScale.ScaleWithColor(fill)
		vector.FillPath(img, &p, nil, op)
		if edgeW > 0 {
			sop := &vector.StrokeOptions{Width: float32(edgeW), LineJoin: vector.LineJoinRound}
			op := &vector.DrawPathOptions{AntiAlias: true}
			op.ColorScale.ScaleWithColor(edge)
			vector.StrokePath(img, &p, sop, op)
		}
		panels[k] = img
	}
	op := &ebiten.DrawImageOptions{}
	op.GeoM.Translate(math.Round(r.x), math.Round(r.y))
	op.ColorScale.ScaleAlpha(float32(alpha))
	dst.DrawImage(img, op)
}

type panelKey struct {
	w, h, radius, edge int
	fill, edgeColor    color.RGBA
}

var panels = map[panelKey]*ebiten.Image{}

func roundRect(p *vector.Path, r rect, radius float64) {
	rad := float32(min(radius, r.w/2, r.h/2))
	x0, y0, x1, y1 := float32(r.x), float32(r.y), float32(r.x+r.w), float32(r.y+r.h)
	p.MoveTo(x0+rad, y0)
	p.LineTo(x1-rad, y0)
	p.ArcTo(x1, y0, x1, y0+rad, rad)
	p.LineTo(x1, y1-rad)
	p.ArcTo(x1, y1, x1-rad, y1, rad)
	p.LineTo(x0+rad, y1)
	p.ArcTo(x0, y1, x0, y1-rad, rad)
	p.LineTo(x0, y0+rad)
	p.ArcTo(x0, y0, x0+rad, y0, rad)
	p.Close()
}

// circle fills a circle (no antialiasing: batched, cheap).
func circle(dst *ebiten.Image, x, y, r float64, clr color.Color) {
	if r <= 0 {
		return
	}
	vector.FillCircle(dst, float32(x), float32(y), float32(r), clr, false)
}

// ring strokes a circle.
func ring(dst *ebiten.Image, x, y, r, w float64, clr color.Color) {
	if r <= 0 || w <= 0 {
		return
	}
	vector.StrokeCircle(dst, float32(x), float32(y), float32(r), float32(w), clr, false)
}

// line strokes a segment with round-looking ends (a dot at each end).
func line(dst *ebiten.Image, x0, y0, x1, y1, w float64, clr color.Color) {
	if math.Hypot(x1-x0, y1-y0) < 0.01 {
		return
	}
	vector.StrokeLine(dst, float32(x0), float32(y0), float32(x1), float32(y1), float32(w), clr, false)
}

// bar draws a progress bar: background, then the filled fraction k.
func bar(dst *ebiten.Image, r rect, k float64, fill, bg color.Color) {
	fillRect(dst, r, bg)
	k = max(0, min(k, 1))
	if k > 0 {
		fillRect(dst, rect{r.x, r.y, r.w * k, r.h}, fill)
	}
}

// healthColor goes from green through yellow to red as hp drops.
func healthColor(k float64) color.RGBA {
	switch {
	case k > 0.6:
		return colGood
	case k > 0.3:
		return colWarn
	}
	return colBad
}

// button draws a button and reports whether the cursor is over it.
func button(dst *ebiten.Image, r rect, label string, s float64, primary, hover bool) {
	fill, edge, fg := colPanel, colPanelEdge, colText
	if primary {
		fill, edge, fg = colAccent, colAccent, colBackground
		if hover {
			fill = mix(colAccent, colWhite, 0.25)
		}
	} else if hover {
		fill = rgba(0x1c2740, 0xf0)
		edge = colAccent
	}
	panel(dst, r, 8*s, fill, edge, 1.5*s)
	drawText(dst, label, face(true, 17*s), r.cx(), r.cy(), fg, text.AlignCenter, text.AlignCenter)
}

// colorLike is any colour.
type colorLike = color.Color
