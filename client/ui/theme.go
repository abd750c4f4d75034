package ui

import (
	"bytes"
	"image/color"
	"sync"

	"github.com/hajimehoshi/ebiten/v2/text/v2"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// The palette: a dark navy arena, light text, one accent.
var (
	colBackground = rgb(0x0a0e16)
	colFloor      = rgb(0x111827)
	colGrid       = rgb(0x182234)
	colGridMajor  = rgb(0x1f2b42)
	colBorder     = rgb(0x33415c)
	colWall       = rgb(0x27324a)
	colWallTop    = rgb(0x3a4868)
	colWallEdge   = rgb(0x4a5b80)
	colShadow     = rgba(0x000000, 0x66)
	colPanel      = rgba(0x0b1220, 0xd8)
	colPanelEdge  = rgba(0x3a4868, 0xff)
	colText       = rgb(0xe6edf3)
	colMuted      = rgb(0x8b98a9)
	colAccent     = rgb(0x4cc2ff)
	colAccentDark = rgb(0x0b3b57)
	colGood       = rgb(0x4ade80)
	colWarn       = rgb(0xfbbf24)
	colBad        = rgb(0xff5c6c)
	colWhite      = rgb(0xffffff)
)

// playerColors are the players' colours; the player's own is the first.
var playerColors = []color.RGBA{
	rgb(0x4cc2ff), // own: sky
	rgb(0xff6b6b), rgb(0x51cf66), rgb(0xfcc419), rgb(0xcc5de8), rgb(0xff922b),
	rgb(0x22b8cf), rgb(0xf06595), rgb(0x94d82d), rgb(0x9775fa), rgb(0x20c997),
	rgb(0xe8590c),
}

// playerColor is the colour of player id as seen by player me.
func playerColor(id, me uint32) color.RGBA {
	if id == me {
		return playerColors[0]
	}
	return playerColors[1+int(id%uint32(len(playerColors)-1))]
}

func rgb(v uint32) color.RGBA { return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xff} }

// rgba makes a colour with alpha a (not premultiplied in the argument; the
// result is premultiplied as color.RGBA requires).
func rgba(v uint32, a uint8) color.RGBA { return fade(rgb(v), float64(a)/255) }

// fade multiplies a colour's opacity by k (0..1), keeping it premultiplied.
func fade(c color.RGBA, k float64) color.RGBA {
	k = max(0, min(k, 1))
	return color.RGBA{uint8(float64(c.R) * k), uint8(float64(c.G) * k), uint8(float64(c.B) * k), uint8(float64(c.A) * k)}
}

// mix blends a towards b by k (0..1); both opaque.
func mix(a, b color.RGBA, k float64) color.RGBA {
	k = max(0, min(k, 1))
	l := func(x, y uint8) uint8 { return uint8(float64(x) + (float64(y)-float64(x))*k) }
	return color.RGBA{l(a.R, b.R), l(a.G, b.G), l(a.B, b.B), l(a.A, b.A)}
}

// Fonts: the Go fonts, bundled with golang.org/x/image.
var (
	fontOnce    sync.Once
	fontRegular *text.GoTextFaceSource
	fontBold    *text.GoTextFaceSource
	faces       = map[faceKey]*text.GoTextFace{}
	facesMu     sync.Mutex
)

type faceKey struct {
	bold bool
	size float64
}

func loadFonts() {
	var err error
	if fontRegular, err = text.NewGoTextFaceSource(bytes.NewReader(goregular.TTF)); err != nil {
		panic(err)
	}
	if fontBold, err = text.NewGoTextFaceSource(bytes.NewReader(gobold.TTF)); err != nil {
		panic(err)
	}
}

// face returns the regular or bold face of the given size in pixels.
func face(bold bool, size float64) *text.GoTextFace {
	fontOnce.Do(loadFonts)
	size = float64(int(size*2+0.5)) / 2 // few distinct sizes: glyph caches stay small
	k := faceKey{bold, size}
	facesMu.Lock()
	defer facesMu.Unlock()
	if f, ok := faces[k]; ok {
		return f
	}
	src := fontRegular
	if bold {
		src = fontBold
	}
	f := &text.GoTextFace{Source: src, Size: size}
	faces[k] = f
	return f
}
