package e2e

import (
	"context"
	"image"
	"image/png"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/client/clientnet"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/server/servertest"
	"github.com/skirmishgg/skirmish/server/setup"
)

// outage is what stall.mjs reports of one network cut; times are ms
// since the epoch.
type outage struct {
	Ms           int64  `json:"ms"`
	OffAt        int64  `json:"offAt"`
	OnAt         int64  `json:"onAt"`
	BackAt       int64  `json:"backAt"`
	Shot         string `json:"shot"`
	Reconnecting string `json:"reconnectShot"`
	FramesDuring int    `json:"framesDuring"`
	ClosedBy     int    `json:"closedByOutage"`
	Opened       int    `json:"opened"`
	Closed       int    `json:"closed"`
	Phase        string `json:"phase"`
	Player       uint32 `json:"player"`
	Match        string `json:"match"`
}

// TestBrowserStallKeepsMatch cuts the browser's network for 3 s and for
// 8 s with its WebSocket left open (DevTools' offline emulation), as a
// flaky Wi-Fi does. The page must show the stall banner meanwhile, and
// afterwards play on in the same match as the same player with the same
// score: checked through a second player in the match, who must see one
// join for the browser's name (a lost seat would join it again) and the
// player move again when the page holds a key after the network is back.
func TestBrowserStallKeepsMatch(t *testing.T) {
	env := needBrowser(t)
	st := servertest.StartStack(t, setup.Options{Direct: arena.New(nil), Web: env.web})
	ctx, cancel := context.WithTimeout(context.Background(), 75*time.Second)
	defer cancel()
	const name = "e2e-stall"
	w, err := watch(ctx, st.URL, name)
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Method  string    `json:"method"`
		Player  uint32    `json:"player"`
		Match   string    `json:"match"`
		Outages []outage  `json:"outages"`
		Ping    string    `json:"pingShot"`
		Pings   []float64 `json:"pings"`
	}
	shot := runNode(t, ctx, env, "stall.mjs", st.HTTP, "browser-stall.png", name, &res)
	if len(res.Outages) != 2 {
		t.Fatalf("%d outages reported, want 2", len(res.Outages))
	}
	calm := warnPixels(t, shot, bannerBand)

	w.mu.Lock()
	defer w.mu.Unlock()
	checkPing(t, res.Pings, w.pings, w.conn.Stats())
	t.Logf("the page's developer panel (F3): %s", res.Ping)

	if len(w.joins) != 1 || w.joins[0] != res.Player {
		t.Fatalf("the server joined %q as players %v; the page says it is player %d", name, w.joins, res.Player)
	}
	for _, o := range res.Outages {
		t.Logf("%.0fs outage (%s offline): %d frames and %d socket closes from 0.25 s to 1.5 s into it; %d sockets opened and %d closed in all",
			float64(o.Ms)/1000, res.Method, o.FramesDuring, o.ClosedBy, o.Opened, o.Closed)
		if o.FramesDuring > 0 {
			t.Errorf("%d ms outage: the page still received %d frames: the network was not cut", o.Ms, o.FramesDuring)
		}
		if o.ClosedBy > 0 {
			t.Errorf("%d ms outage: cutting the network closed the socket at once: not a stall", o.Ms)
		}
		if o.Phase != "playing" || o.Player != res.Player || o.Match != res.Match {
			t.Errorf("after the %d ms outage the page is %s as player %d in match %s, want playing as %d in %s",
				o.Ms, o.Phase, o.Player, o.Match, res.Player, res.Match)
		}
		// The stall banner: a box outlined in the HUD's warning colour under
		// the score, absent before the outage.
		if n := warnPixels(t, o.Shot, bannerBand); n < calm+200 {
			t.Errorf("%d ms outage: %d warning-coloured pixels where the banner goes (%d before the outage): no stall banner in %s",
				o.Ms, n, calm, o.Shot)
		} else {
			t.Logf("stall banner shown (%d warning-coloured pixels under the score, %d before): %s", n, calm, o.Shot)
		}
		if o.Reconnecting != "" {
			if n := warnPixels(t, o.Reconnecting, bannerBand); n < calm+200 {
				t.Errorf("%d ms outage: no reconnecting banner in %s (%d warning-coloured pixels)", o.Ms, o.Reconnecting, n)
			} else {
				t.Logf("reconnecting banner shown: %s", o.Reconnecting)
			}
		}

		// Through the server: the player moves again once the page holds
		// a key with the network back, keeping its score.
		var before, moved *sample
		for i := range w.track {
			s := &w.track[i]
			if s.at.UnixMilli() <= o.OnAt {
				before = s
			} else if before != nil && (s.x != before.x || s.y != before.y) {
				moved = s
				break
			}
		}
		switch {
		case before == nil || moved == nil:
			t.Errorf("%d ms outage: the server never moved the player again after the network came back", o.Ms)
		default:
			if moved.score != before.score || moved.death != before.death {
				t.Errorf("%d ms outage: score %d, deaths %d before; %d, %d after", o.Ms, before.score, before.death, moved.score, moved.death)
			}
			t.Logf("%.0fs stall: network back → frames on the page %d ms, → the server moving the player %d ms (score %d kept)",
				float64(o.Ms)/1000, o.BackAt-o.OnAt, moved.at.UnixMilli()-o.OnAt, moved.score)
		}
	}
}

// bannerBand is where the match screen's connection banner goes, under
// the score: the top quarter of the screen, its middle half across.
var bannerBand = [4]float64{0.25, 0, 0.75, 0.25}

// warnPixels counts the pixels of the HUD's warning colour (client/ui's
// colWarn, #fbbf24) in the part of the screenshot at path that band gives
// as fractions of its width and height: x0, y0, x1, y1.
func warnPixels(t *testing.T, path string, band [4]float64) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	b := img.Bounds()
	at := func(k float64, lo, span int) int { return lo + int(k*float64(span)) }
	r := image.Rect(at(band[0], b.Min.X, b.Dx()), at(band[1], b.Min.Y, b.Dy()), at(band[2], b.Min.X, b.Dx()), at(band[3], b.Min.Y, b.Dy()))
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			if near(r>>8, 0xfb) && near(g>>8, 0xbf) && near(b>>8, 0x24) {
				n++
			}
		}
	}
	return n
}

func near(v, want uint32) bool { return v+24 >= want && v <= want+24 }

// checkPing holds the PING the page showed (ms, read over 2 s) against the
// round trips a Go client measured on the same server in the same run: on
// loopback both are the network's round trip, a millisecond or so, and
// the page must not add its frame loop to it (it showed 85–110 ms when
// socket messages waited behind software-composited frames).
func checkPing(t *testing.T, page []float64, goPings []time.Duration, st clientnet.Stats) {
	t.Helper()
	if len(page) == 0 || len(goPings) == 0 {
		t.Fatalf("no round trips to compare: %d PING readings from the page, %d Go pings", len(page), len(goPings))
	}
	shown := slices.Clone(page)
	slices.Sort(shown)
	goRTT := slices.Clone(goPings)
	slices.Sort(goRTT)
	pageMed := time.Duration(shown[len(shown)/2] * float64(time.Millisecond))
	goMed := goRTT[len(goRTT)/2]
	t.Logf("PING shown by the page: median %v (min %.1f ms, max %.1f ms, %d readings); the Go watcher on the same server: ping median %v (min %v, max %v, %d pings), input→ack mean %v (%d samples)",
		pageMed, shown[0], shown[len(shown)-1], len(shown), goMed.Round(10*time.Microsecond), goRTT[0].Round(10*time.Microsecond),
		goRTT[len(goRTT)-1].Round(10*time.Microsecond), len(goRTT), st.RTTMean.Round(100*time.Microsecond), st.RTTSamples)
	// Generous: four times the Go client's round trip and 25 ms more, for
	// a loaded test machine.
	if limit := 4*goMed + 25*time.Millisecond; pageMed > limit {
		t.Errorf("the page shows PING %v on loopback while a Go client measures %v: over %v, so the page's figure is not the network's round trip",
			pageMed, goMed, limit)
	}
}
