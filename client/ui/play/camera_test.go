package play

import "testing"

func TestCameraClampsAndMaps(t *testing.T) {
	var c Camera
	c.Resize(ViewSpan, ViewSpan) // zoom 1
	c.Follow(0, 0, 2000, 2000, 0)
	if !near(c.X, ViewSpan/2-margin) || !near(c.Y, ViewSpan/2-margin) {
		t.Fatalf("camera at %v,%v, want clamped to %v", c.X, c.Y, ViewSpan/2-margin)
	}
	c.Follow(1000, 1000, 2000, 2000, 10)
	if !near(c.X, 1000) {
		t.Fatalf("camera did not follow: %v", c.X)
	}
	sx, sy := c.ToScreen(1100, 900)
	if !near(sx, ViewSpan/2+100) || !near(sy, ViewSpan/2-100) {
		t.Fatalf("ToScreen = %v,%v", sx, sy)
	}
	if x, y := c.ToWorld(sx, sy); !near(x, 1100) || !near(y, 900) {
		t.Fatalf("ToWorld = %v,%v", x, y)
	}
	c.Resize(4000, 1000) // very wide: bounded to MaxSpanX
	if span := c.W / c.Zoom; span > MaxSpanX+0.01 {
		t.Fatalf("a wide window shows %v units across, more than %v", span, MaxSpanX)
	}
	c.Follow(100, 100, 1000, 1000, 0) // wider than a small arena: centred along x
	if !near(c.X, 500) {
		t.Fatalf("x = %v, want the arena centred", c.X)
	}
}

func near(a, b float64) bool { return a-b < 0.01 && b-a < 0.01 }
