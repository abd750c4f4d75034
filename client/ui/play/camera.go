package play

import "math"

// Camera maps world units to screen pixels: it follows a target, smoothly,
// and stays over the arena (when the screen is larger than the arena along
// an axis, the arena is centred on it).
type Camera struct {
	X, Y float64 // world point at the centre of the screen
	Zoom float64 // pixels per world unit
	W, H float64 // screen size, pixels
	// SlackX and SlackY, when set, bound how far (pixels) the target may
	// be drawn from the screen's centre: the camera then goes past the
	// arena's edge rather than let the target reach the screen's edges,
	// where the HUD is. Default 0: no bound.
	SlackX, SlackY float64
	set            bool
}

// ViewSpan is how many world units fit across the smaller side of the
// screen: the same share of the arena on any window size. MaxSpanX and
// MaxSpanY bound what a very wide or tall window shows, inside the area
// `skirmish serve` sends each client by default (-view 2000x1200), so
// nothing pops in at the edges.
const (
	ViewSpan = 950
	MaxSpanX = 1900
	MaxSpanY = 1150
)

// margin is how far past the arena's edge the camera may show, world units.
const margin = 60

// Resize sets the screen size and the zoom that goes with it.
func (c *Camera) Resize(w, h float64) {
	c.W, c.H = w, h
	c.Zoom = max(max(min(w, h), 1)/ViewSpan, w/MaxSpanX, h/MaxSpanY)
}

// Follow moves the camera towards (tx, ty) over dt seconds, then keeps it
// over an arena of size worldW × worldH. The first call jumps.
func (c *Camera) Follow(tx, ty, worldW, worldH, dt float64) {
	if !c.set || dt <= 0 {
		c.X, c.Y, c.set = tx, ty, true
	} else {
		k := 1 - math.Exp(-dt*10)
		c.X += (tx - c.X) * k
		c.Y += (ty - c.Y) * k
	}
	c.X = clampView(c.X, c.W/c.Zoom, worldW)
	c.Y = clampView(c.Y, c.H/c.Zoom, worldH)
	if c.SlackX > 0 {
		c.X = max(tx-c.SlackX/c.Zoom, min(c.X, tx+c.SlackX/c.Zoom))
	}
	if c.SlackY > 0 {
		c.Y = max(ty-c.SlackY/c.Zoom, min(c.Y, ty+c.SlackY/c.Zoom))
	}
}

// Jump moves the camera to (x, y) at once on the next Follow.
func (c *Camera) Jump() { c.set = false }

func clampView(center, span, world float64) float64 {
	if span >= world+2*margin {
		return world / 2
	}
	return max(span/2-margin, min(center, world-span/2+margin))
}

// ToScreen maps a world point to the screen.
func (c *Camera) ToScreen(x, y float64) (sx, sy float64) {
	return (x-c.X)*c.Zoom + c.W/2, (y-c.Y)*c.Zoom + c.H/2
}

// ToWorld maps a screen point to the world.
func (c *Camera) ToWorld(sx, sy float64) (x, y float64) {
	return (sx-c.W/2)/c.Zoom + c.X, (sy-c.H/2)/c.Zoom + c.Y
}

// Visible reports whether a circle at (x, y) of radius r (world units)
// shows on the screen.
func (c *Camera) Visible(x, y, r float64) bool {
	hw, hh := c.W/2/c.Zoom+r, c.H/2/c.Zoom+r
	return math.Abs(x-c.X) <= hw && math.Abs(y-c.Y) <= hh
}
