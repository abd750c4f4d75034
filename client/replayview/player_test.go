package replayview_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/client/replayview"
	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/replay"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// arenaRules finds a recording's rules as the clients do.
func arenaRules(h *replay.Header) (game.Rules, error) {
	if h.Game != "arena" {
		return nil, errors.New("not the arena")
	}
	return arena.ModeRules(h.Mode, h.MaxPlayers)
}

func record(t testing.TB, players, ticks int) []byte {
	t.Helper()
	rules, _ := arena.ModeRules("ffa", 0)
	return servertest.Recording(t, rules, servertest.RecordingOptions{Mode: "ffa", Players: players, Ticks: ticks})
}

func open(t testing.TB, data []byte) *replayview.Player {
	t.Helper()
	p, err := replayview.Open(data, arenaRules)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSeekMatchesPlaying: seeking to a tick, forwards or backwards, lands
// on the world that playing through reaches, hash for hash, and on the
// hash the recording stored.
func TestSeekMatchesPlaying(t *testing.T) {
	data := record(t, 6, 900)
	through := open(t, data)
	want := map[uint32]uint64{through.Tick(): through.Hash()}
	through.Play()
	for through.Playing() {
		if err := through.Advance(time.Second / 60); err != nil {
			t.Fatal(err)
		}
		want[through.Tick()] = through.Hash()
	}
	if through.Tick() != 900 {
		t.Fatalf("playing through stopped at tick %d, want 900", through.Tick())
	}
	rec := through.Recording()
	for _, tc := range []struct {
		name string
		path []uint32
	}{
		{"forwards", []uint32{450}},
		{"backwards", []uint32{800, 300}},
		{"to the end", []uint32{900}},
		{"back to the start", []uint32{600, 1}},
		{"same tick", []uint32{200, 200}},
		// The recording has a state every 120 ticks: seeks restore one.
		{"onto a state", []uint32{720}},
		{"just past a state", []uint32{721}},
		{"back onto a state", []uint32{800, 240}},
		{"back just before a state", []uint32{800, 239}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := open(t, data)
			for _, tick := range tc.path {
				if err := p.Seek(tick); err != nil {
					t.Fatal(err)
				}
			}
			at := tc.path[len(tc.path)-1]
			if p.Tick() != at {
				t.Fatalf("at tick %d, want %d", p.Tick(), at)
			}
			if got := p.Hash(); got != want[at] {
				t.Fatalf("hash %x at tick %d, playing through gave %x", got, at, want[at])
			}
			if h := p.Hash(); replay.FoldHash(h) != rec.Steps[at-1].Hash {
				t.Fatalf("hash at tick %d is not the recorded one", at)
			}
			// Who is in the match and their names survive a jump.
			if ids := p.Players(); at > 6 && (len(ids) != 6 || p.Name(ids[5]) != "bot-6") {
				t.Fatalf("players %v, the last named %q", ids, p.Name(ids[len(ids)-1]))
			}
		})
	}
}

// TestSeekClamps: seeks past either end land on the first or last tick.
func TestSeekClamps(t *testing.T) {
	p := open(t, record(t, 2, 120))
	for _, tc := range []struct {
		seek time.Duration
		want uint32
	}{
		{-5 * time.Second, 1},
		{time.Second, 61},
		{5 * time.Second, 120},
		{-time.Second, 60},
	} {
		if err := p.SeekBy(tc.seek); err != nil {
			t.Fatal(err)
		}
		if p.Tick() != tc.want {
			t.Fatalf("SeekBy(%v): tick %d, want %d", tc.seek, p.Tick(), tc.want)
		}
	}
}

// TestSpeeds: a second of wall time moves the replay on by a second of
// match time times the speed, and the speed stays within 0.25×..4×.
func TestSpeeds(t *testing.T) {
	data := record(t, 2, 3000)
	for _, tc := range []struct {
		faster, slower int
		speed          float64
		ticks          uint32 // in one second
	}{
		{0, 0, 1, 60},
		{1, 0, 2, 120},
		{2, 0, 4, 240},
		{5, 0, 4, 240},
		{0, 1, 0.5, 30},
		{0, 2, 0.25, 15},
		{0, 7, 0.25, 15},
		{3, 1, 2, 120},
	} {
		p := open(t, data)
		for range tc.faster {
			p.Faster()
		}
		for range tc.slower {
			p.Slower()
		}
		if p.Speed() != tc.speed {
			t.Fatalf("%d faster, %d slower: speed %v, want %v", tc.faster, tc.slower, p.Speed(), tc.speed)
		}
		p.Play()
		start := p.Tick()
		for range 60 { // a second of frames
			if err := p.Advance(time.Second / 60); err != nil {
				t.Fatal(err)
			}
		}
		if got := p.Tick() - start; got != tc.ticks {
			t.Fatalf("at %v× a second moved %d ticks, want %d", tc.speed, got, tc.ticks)
		}
	}
	p := open(t, data)
	p.SetSpeed(0.3)
	if p.Speed() != 0.25 {
		t.Fatalf("SetSpeed(0.3) gave %v", p.Speed())
	}
	// Paused, time does not move it.
	p = open(t, data)
	p.Advance(time.Second)
	if p.Tick() != 1 {
		t.Fatalf("paused replay moved to tick %d", p.Tick())
	}
	// At the end it stops, and Play starts over.
	p.Seek(p.Ticks() - 10)
	p.Play()
	p.Advance(time.Second)
	if p.Playing() || p.Tick() != p.Ticks() {
		t.Fatalf("at the end: playing %v at tick %d", p.Playing(), p.Tick())
	}
	p.Play()
	if p.Tick() != 1 || !p.Playing() {
		t.Fatalf("Play at the end: tick %d, playing %v", p.Tick(), p.Playing())
	}
}

// TestCamera: the camera follows a player's entity, cycles through the
// players, frees itself where it was and pans inside the arena.
func TestCamera(t *testing.T) {
	p := open(t, record(t, 3, 300))
	if err := p.Seek(100); err != nil {
		t.Fatal(err)
	}
	if got := p.Players(); len(got) != 3 {
		t.Fatalf("players %v", got)
	}
	if p.Following() != 1 {
		t.Fatalf("following %d at start, want the first player", p.Following())
	}
	entity := func(id game.PlayerID) game.Entity {
		for _, e := range p.View() {
			if e.ID == uint32(id) {
				return e
			}
		}
		t.Fatalf("no entity %d", id)
		return game.Entity{}
	}
	for _, want := range []game.PlayerID{2, 3, 1, 2} {
		p.FollowNext()
		if p.Following() != want {
			t.Fatalf("FollowNext: following %d, want %d", p.Following(), want)
		}
		x, y := p.Camera()
		if e := entity(want); x != float64(e.X) || y != float64(e.Y) {
			t.Fatalf("camera at %v,%v, player %d at %d,%d", x, y, want, e.X, e.Y)
		}
	}
	if err := p.Follow(9); err == nil {
		t.Fatal("following a player not in the match was accepted")
	}
	x0, y0 := p.Camera()
	p.FreeCamera()
	if p.Following() != 0 {
		t.Fatal("free camera still follows")
	}
	p.Seek(250) // the player moves on; the free camera does not
	if x, y := p.Camera(); x != x0 || y != y0 {
		t.Fatalf("free camera moved from %v,%v to %v,%v", x0, y0, x, y)
	}
	p.Pan(100, -50)
	if x, y := p.Camera(); x != x0+100 || y != y0-50 {
		t.Fatalf("pan: %v,%v, want %v,%v", x, y, x0+100, y0-50)
	}
	b := p.Recording().Header.Welcome.Static.Bounds
	p.Pan(1e9, -1e9)
	if x, y := p.Camera(); x != float64(b.MaxX) || y != float64(b.MinY) {
		t.Fatalf("pan past the edge: %v,%v, bounds %+v", x, y, b)
	}
	if err := p.Follow(3); err != nil || p.Following() != 3 {
		t.Fatalf("Follow(3): %v, following %d", err, p.Following())
	}
	p.Pan(1, 1) // panning frees a following camera
	if p.Following() != 0 {
		t.Fatal("panning kept following")
	}
}

// TestEvents: playing yields the steps' events in order; a seek drops
// those of the ticks it skipped.
func TestEvents(t *testing.T) {
	p := open(t, record(t, 6, 1800))
	p.Play()
	var evs []game.Event
	for p.Playing() {
		p.Advance(time.Second / 15)
		evs = p.Events(evs)
	}
	if len(evs) == 0 {
		t.Fatal("no events in 30 s of six players firing")
	}
	for i := 1; i < len(evs); i++ {
		if evs[i].Tick < evs[i-1].Tick {
			t.Fatalf("event %d at tick %d after one at %d", i, evs[i].Tick, evs[i-1].Tick)
		}
	}
	p.Seek(900)
	if got := p.Events(nil); len(got) != 0 {
		t.Fatalf("a seek left %d events", len(got))
	}
}

// TestBadFiles: what is not a playable recording is refused with an
// error that says why.
func TestBadFiles(t *testing.T) {
	good := record(t, 2, 300)
	duel, _ := arena.ModeRules("duel", 0)
	other := servertest.Recording(t, duel, servertest.RecordingOptions{Mode: "ffa", Players: 2, Ticks: 60})
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "not a Skirmish recording"},
		{"not a recording", []byte("<html>not found</html>"), "not a Skirmish recording"},
		{"magic only", []byte(replay.Magic), "no header"},
		{"corrupt stream", append([]byte(replay.Magic), strings.Repeat("\xff", 64)...), "malformed"},
		{"cut in the header", good[:len(replay.Magic)+8], ""},
		{"rules of another mode", other, "not the recording's"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := replayview.Open(tc.data, arenaRules)
			if err == nil {
				t.Fatalf("opened (%d ticks)", p.Ticks())
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not say %q", err, tc.want)
			}
			t.Log(err)
		})
	}
	_, err := replayview.Open(good, func(*replay.Header) (game.Rules, error) { return nil, errors.New("no such game here") })
	if err == nil || !strings.Contains(err.Error(), "no such game here") {
		t.Fatalf("rules lookup failure: %v", err)
	}
	// A file cut mid-match plays up to where it stops.
	p, err := replayview.Open(good[:len(good)*2/3], arenaRules)
	if err != nil {
		t.Fatalf("truncated file: %v", err)
	}
	if p.Ticks() == 0 || p.Ticks() >= 300 || !p.Recording().Truncated {
		t.Fatalf("truncated file: %d ticks, truncated %v", p.Ticks(), p.Recording().Truncated)
	}
}

// TestSeekBackFromTheSpare: seeks back land on the same world whether
// they step on from the spare world kept behind the shown tick or
// re-simulate from the start, and the spare catches up as frames pass.
func TestSeekBackFromTheSpare(t *testing.T) {
	data := record(t, 6, 2400)
	want := map[uint32]uint64{}
	{
		p := open(t, data)
		want[1] = p.Hash()
		for p.Tick() < p.Ticks() {
			if err := p.Seek(p.Tick() + 1); err != nil {
				t.Fatal(err)
			}
			want[p.Tick()] = p.Hash()
		}
	}
	p := open(t, data)
	frames := func(n int) {
		for range n {
			if err := p.Advance(time.Second / 60); err != nil { // paused: the spare catches up
				t.Fatal(err)
			}
		}
	}
	for _, tc := range []struct {
		seek   uint32
		frames int
	}{
		{2000, 10}, // forwards; the spare catches up to 1400
		{1700, 0},  // back 5 s: from the spare
		{1400, 0},  // back again before the new spare caught up: from its start
		{1400, 5},
		{1000, 10},
		{300, 0}, // before the spare (at 400): from tick 0
		{2400, 10},
		{2100, 0},
		{1, 0},
	} {
		if err := p.Seek(tc.seek); err != nil {
			t.Fatal(err)
		}
		if p.Tick() != tc.seek || p.Hash() != want[tc.seek] {
			t.Fatalf("seek to %d: at tick %d, hash %x, want %x", tc.seek, p.Tick(), p.Hash(), want[tc.seek])
		}
		frames(tc.frames)
	}
	// Playing on from a seek keeps matching.
	p.Seek(2000)
	frames(10)
	p.Seek(1800)
	p.Play()
	for range 30 {
		p.Advance(time.Second / 60)
		if p.Hash() != want[p.Tick()] {
			t.Fatalf("playing on after a seek back: hash differs at tick %d", p.Tick())
		}
	}
}
