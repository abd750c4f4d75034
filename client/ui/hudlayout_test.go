package ui

import (
	"fmt"
	"testing"

	"github.com/skirmishgg/skirmish/client/ui/play"
)

// The HUD never covers the own avatar and its boxes never overlap each
// other, at 800×600 and at 1920×1080, with the developer panel (F3) shown
// or not: checked from the layout code and from the camera, which keeps
// the avatar inside its zone wherever it stands in the arena (corners
// included).
func TestHUDLayout(t *testing.T) {
	const arenaW, arenaH, radius = 2000, 2000, 20 // the arena's defaults, world units
	for _, size := range [][2]float64{{800, 600}, {1920, 1080}, {1280, 720}} {
		for _, dev := range []bool{false, true} {
			t.Run(fmt.Sprintf("%vx%v dev=%v", size[0], size[1], dev), func(t *testing.T) {
				w, h := size[0], size[1]
				s := uiScale(1, h)
				var cam play.Camera
				cam.Resize(w, h)
				l := layoutHUD(w, h, s, radius*cam.Zoom, dev)
				boxes := l.boxes()
				for name, b := range boxes {
					if !b.inside(w, h) {
						t.Errorf("%s %+v leaves the screen", name, b)
					}
					if b.overlaps(l.avatar) {
						t.Errorf("%s %+v covers the avatar's zone %+v", name, b, l.avatar)
					}
					for other, o := range boxes {
						if name < other && b.overlaps(o) {
							t.Errorf("%s %+v overlaps %s %+v", name, b, other, o)
						}
					}
				}
				// Wherever the player stands, however fast it went, the
				// camera keeps it in the zone.
				cam.SlackX, cam.SlackY = avatarSlackX*w, avatarSlackY*h
				for _, p := range [][2]float64{{0, 0}, {arenaW, 0}, {0, arenaH}, {arenaW, arenaH}, {1000, 1000}, {30, 1000}} {
					cam.Jump()
					cam.Follow(1000, 1000, arenaW, arenaH, 0)
					cam.Follow(p[0], p[1], arenaW, arenaH, 1.0/60) // one frame of a teleport
					x, y := cam.ToScreen(p[0], p[1])
					r := radius * cam.Zoom
					body := rect{x - r, y - r, 2 * r, 2 * r}
					if !(body.x >= l.avatar.x && body.x+body.w <= l.avatar.x+l.avatar.w && body.y >= l.avatar.y && body.y+body.h <= l.avatar.y+l.avatar.h) {
						t.Errorf("player at %v drawn at (%.0f, %.0f), outside its zone %+v", p, x, y, l.avatar)
					}
				}
			})
		}
	}
}
