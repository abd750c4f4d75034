package replayview

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/replay"
)

// Speeds are the playback speeds a viewer steps through, slowest first.
var Speeds = [...]float64{0.25, 0.5, 1, 2, 4}

// normalSpeed is the index of 1× in Speeds.
const normalSpeed = 2

// spareLag is how far behind the shown tick the spare world is kept: a
// seek back by up to spareLag ticks (10 s at 60 Hz, two presses of ←)
// costs at most spareLag steps; spareCatchUp is how many steps one
// Advance gives the spare to catch up after a seek, so a rebuilt spare
// costs a few milliseconds a frame rather than one long frame.
const (
	spareLag     = 600
	spareCatchUp = 400
)

// maxStepsPerAdvance bounds the steps one Advance runs (a long stall of
// the caller's frame loop skips time rather than freezing it further).
const maxStepsPerAdvance = 4 * 60 / 4 // a quarter second of 4× at 60 Hz

// RulesFunc finds the rules a recording was made with, from its header.
type RulesFunc func(h *replay.Header) (game.Rules, error)

// ErrNoSteps is returned for a recording that holds no tick at all.
var ErrNoSteps = errors.New("replayview: the recording holds no tick to show")

// Player plays one recording. It is not safe for concurrent use: a
// client drives it from its frame loop.
type Player struct {
	rec   *replay.Recording
	rules game.Rules
	rp    *replay.Replayer
	// spare re-simulates the same match some way behind rp (spareLag,
	// once caught up), so that a short seek backwards steps on from it
	// instead of re-simulating from tick 0. nil: none yet.
	spare     *replay.Replayer
	spareTick uint32

	tick    uint32 // steps run: 0 before the first
	playing bool
	speed   int     // index into Speeds
	acc     float64 // fractional steps owed by Advance

	follow     game.PlayerID // 0: the free camera
	camX, camY float64       // the camera's centre, view units
	bounds     game.Rect     // the playable area, view units

	names  map[game.PlayerID]string
	here   map[game.PlayerID]bool
	view   []game.Entity
	prev   []game.Entity // the view a tick before view, while playing
	inPrev bool          // prev is that view
	events []game.Event
	fresh  bool // view is the world after tick
	saves  bool // the world restores the recording's states
}

// Open reads a recording and prepares it for playing with the rules
// rulesFor returns for its header: another game, mode or rules version is
// refused with a clear error, as is a file that is not a recording or
// holds no tick. A recording cut short (the server stopped mid-match)
// plays up to where it stops. The player starts paused at the first tick,
// following the first player who joined.
func Open(data []byte, rulesFor RulesFunc) (*Player, error) {
	rec, err := replay.Read(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("replayview: %w", err)
	}
	if len(rec.Steps) == 0 {
		return nil, ErrNoSteps
	}
	rules, err := rulesFor(&rec.Header)
	if err != nil {
		return nil, fmt.Errorf("replayview: %w", err)
	}
	rp, err := replay.NewReplayer(rec, rules)
	if err != nil {
		return nil, fmt.Errorf("replayview: %w", err)
	}
	st := rec.Header.Welcome.Static
	p := &Player{
		rec: rec, rules: rules, rp: rp, speed: normalSpeed,
		bounds: game.Rect(st.Bounds),
		names:  map[game.PlayerID]string{}, here: map[game.PlayerID]bool{},
	}
	p.camX = float64(p.bounds.MinX+p.bounds.MaxX) / 2
	p.camY = float64(p.bounds.MinY+p.bounds.MaxY) / 2
	_, p.saves = rp.World().(game.StateSaver)
	if err := p.step(); err != nil {
		return nil, err
	}
	p.events = p.events[:0]
	if ids := p.Players(); len(ids) > 0 {
		p.follow = ids[0]
	}
	return p, nil
}

// Recording is the recording being played.
func (p *Player) Recording() *replay.Recording { return p.rec }

// Rules are the rules it re-simulates with.
func (p *Player) Rules() game.Rules { return p.rules }

// Tick is the tick shown: the world after that step (1 is the first).
func (p *Player) Tick() uint32 { return p.tick }

// Ticks is the last tick of the recording.
func (p *Player) Ticks() uint32 { return uint32(len(p.rec.Steps)) }

// TickRate is the recording's steps per second.
func (p *Player) TickRate() int { return p.rec.Header.TickRate }

// Time is the match time shown; Duration the recording's length.
func (p *Player) Time() time.Duration     { return p.ticksToTime(p.tick) }
func (p *Player) Duration() time.Duration { return p.ticksToTime(p.Ticks()) }

func (p *Player) ticksToTime(t uint32) time.Duration {
	return time.Duration(t) * time.Second / time.Duration(p.TickRate())
}

// Playing reports whether Advance moves the replay on.
func (p *Player) Playing() bool { return p.playing }

// Play starts or resumes playing; at the end it starts over.
func (p *Player) Play() {
	if p.tick >= p.Ticks() {
		_ = p.Seek(1)
	}
	p.playing = true
}

// Pause stops playing where it is.
func (p *Player) Pause() { p.playing, p.acc, p.inPrev = false, 0, false }

// Toggle plays or pauses.
func (p *Player) Toggle() {
	if p.playing {
		p.Pause()
	} else {
		p.Play()
	}
}

// Speed is the playback speed (1: real time).
func (p *Player) Speed() float64 { return Speeds[p.speed] }

// Faster and Slower step through Speeds, staying at its ends.
func (p *Player) Faster() { p.speed = min(p.speed+1, len(Speeds)-1) }
func (p *Player) Slower() { p.speed = max(p.speed-1, 0) }

// SetSpeed picks the speed in Speeds nearest to x.
func (p *Player) SetSpeed(x float64) {
	best := 0
	for i, s := range Speeds {
		if abs(s-x) < abs(Speeds[best]-x) {
			best = i
		}
	}
	p.speed = best
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// Advance moves a playing replay on by dt of wall time at its speed, and
// stops at the end. The events of the steps it ran are in Events.
func (p *Player) Advance(dt time.Duration) error {
	if err := p.catchUp(spareCatchUp); err != nil {
		return err
	}
	if !p.playing || dt <= 0 {
		return nil
	}
	p.acc += dt.Seconds() * Speeds[p.speed] * float64(p.TickRate())
	n := int(p.acc + 1e-6) // a frame of exactly one step is one step
	p.acc = max(0, p.acc-float64(n))
	if n > maxStepsPerAdvance {
		n = maxStepsPerAdvance
	}
	for i := range n {
		if p.tick >= p.Ticks() {
			p.Pause()
			return nil
		}
		if i == n-1 { // the view a frame draws from
			p.prev, p.inPrev = append(p.prev[:0], p.View()...), true
		}
		if err := p.step(); err != nil {
			p.Pause()
			return err
		}
	}
	if p.tick >= p.Ticks() {
		p.Pause()
	}
	return nil
}

// Seek shows tick (clamped to the recording). It starts from the nearest
// world it can get before tick: the one shown when tick is ahead, the
// spare kept behind it, or one restored from the recording's latest state
// checkpoint at or before tick (re-simulating from the start only for a
// game without states), and steps on from there. It keeps playing or
// paused as it was, and drops the events of the ticks it skipped.
func (p *Player) Seek(tick uint32) error {
	tick = max(1, min(tick, p.Ticks()))
	st := p.stateAt(tick)
	switch {
	case tick >= p.tick && st <= p.tick:
		// Stepping on from the world shown is the shortest way.
	case tick < p.tick && p.spare != nil && p.spareTick <= tick && p.spareTick >= st:
		// The spare becomes the shown world; a new spare catches up in
		// Advance.
		p.rp, p.tick = p.spare, p.spareTick
		p.spare = nil
		p.rebuildPlayers()
	default:
		rp, err := replay.NewReplayerAt(p.rec, p.rules, tick)
		if err != nil {
			return fmt.Errorf("replayview: %w", err)
		}
		if p.spare != nil && (p.spareTick > tick || p.spareTick < rp.Tick()) {
			p.spare = nil // a spare restored near the new tick is cheaper
		}
		p.rp, p.tick = rp, rp.Tick()
		p.rebuildPlayers()
	}
	p.fresh = false
	for p.tick < tick {
		if err := p.step(); err != nil {
			return err
		}
	}
	p.events = p.events[:0]
	p.acc, p.inPrev = 0, false
	return nil
}

// stateAt is the tick of the latest state checkpoint at or before tick
// that seeking can restore, 0 for none.
func (p *Player) stateAt(tick uint32) uint32 {
	if !p.saves {
		return 0
	}
	i, _ := slices.BinarySearchFunc(p.rec.States, tick+1, func(s replay.State, t uint32) int { return cmp.Compare(s.Tick, t) })
	if i == 0 {
		return 0
	}
	return p.rec.States[i-1].Tick
}

// rebuildPlayers sets who is in the match and their names from the
// joins and leaves up to the tick shown, after a jump.
func (p *Player) rebuildPlayers() {
	clear(p.here)
	for _, s := range p.rec.Steps[:p.tick] {
		for _, c := range s.Changes {
			p.here[c.Player] = c.Join
			if c.Join && c.Name != "" {
				p.names[c.Player] = c.Name
			}
		}
	}
}

// SeekBy seeks d of match time forwards (or backwards, negative).
func (p *Player) SeekBy(d time.Duration) error {
	delta := int64(d) * int64(p.TickRate()) / int64(time.Second)
	return p.Seek(uint32(max(1, min(int64(p.tick)+delta, int64(p.Ticks())))))
}

// catchUp steps the spare world towards spareLag behind the shown tick,
// at most budget steps; it starts one when there is none.
func (p *Player) catchUp(budget int) error {
	if p.tick <= spareLag {
		return nil
	}
	if p.spare == nil {
		rp, err := replay.NewReplayerAt(p.rec, p.rules, p.tick-spareLag)
		if err != nil {
			return fmt.Errorf("replayview: %w", err)
		}
		p.spare, p.spareTick = rp, rp.Tick()
	}
	for ; budget > 0 && p.spareTick+spareLag < p.tick; budget-- {
		ok, err := p.spare.Next()
		if err != nil {
			return fmt.Errorf("replayview: %w", err)
		}
		if !ok {
			break
		}
		p.spareTick++
	}
	return nil
}

// step runs the next recorded step.
func (p *Player) step() error {
	ok, err := p.rp.Next()
	if err != nil {
		return fmt.Errorf("replayview: %w", err)
	}
	if !ok {
		return nil
	}
	s := p.rp.Step()
	p.tick = s.Tick
	for _, c := range s.Changes {
		p.here[c.Player] = c.Join
		if c.Join && c.Name != "" {
			p.names[c.Player] = c.Name
		}
	}
	p.events = p.rp.World().AppendEvents(p.events)
	p.fresh = false
	return nil
}

// View is the world's view at Tick (every entity, by ID). The slice is
// reused by the next call that changes the tick.
func (p *Player) View() []game.Entity {
	if !p.fresh {
		p.view = p.rp.World().AppendView(p.view[:0])
		p.fresh = true
	}
	return p.view
}

// Between is what to draw between ticks while playing: the view a tick
// before View, and how far (0..1) from it towards View the replay's time
// is. Paused, or right after a seek, it is (nil, 1): View as it is.
func (p *Player) Between() (prev []game.Entity, k float64) {
	if !p.playing || !p.inPrev {
		return nil, 1
	}
	return p.prev, min(p.acc, 1)
}

// Events returns the events of the steps run since the last call, in
// order, and forgets them. Seeking drops them.
func (p *Player) Events(dst []game.Event) []game.Event {
	dst = append(dst, p.events...)
	p.events = p.events[:0]
	return dst
}

// Hash is the re-simulated world's hash, for checks.
func (p *Player) Hash() uint64 { return p.rp.World().Hash() }

// Name is the name player id joined with ("" when it had none).
func (p *Player) Name(id game.PlayerID) string { return p.names[id] }

// Players are the players in the match at Tick, by ID.
func (p *Player) Players() []game.PlayerID {
	ids := make([]game.PlayerID, 0, len(p.here))
	for id, in := range p.here {
		if in {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// Following is the player the camera follows, 0 for the free camera.
func (p *Player) Following() game.PlayerID { return p.follow }

// Follow makes the camera follow player id; an ID not in the match is
// refused.
func (p *Player) Follow(id game.PlayerID) error {
	if !p.here[id] {
		return fmt.Errorf("replayview: player %d is not in the match at tick %d", id, p.tick)
	}
	p.follow = id
	return nil
}

// FollowNext follows the next player by ID after the one followed (the
// first after the free camera or the last); with nobody in the match the
// camera stays free.
func (p *Player) FollowNext() {
	ids := p.Players()
	if len(ids) == 0 {
		p.FreeCamera()
		return
	}
	i, _ := slices.BinarySearch(ids, p.follow+1)
	if i >= len(ids) {
		i = 0
	}
	p.follow = ids[i]
}

// FreeCamera stops following: the camera stays where it is and pans
// with Pan.
func (p *Player) FreeCamera() {
	if x, y, ok := p.followed(); ok {
		p.camX, p.camY = x, y
	}
	p.follow = 0
}

// Pan moves the free camera by (dx, dy) view units, inside the playable
// area; it first frees a following camera.
func (p *Player) Pan(dx, dy float64) {
	if p.follow != 0 {
		p.FreeCamera()
	}
	p.camX = max(float64(p.bounds.MinX), min(p.camX+dx, float64(p.bounds.MaxX)))
	p.camY = max(float64(p.bounds.MinY), min(p.camY+dy, float64(p.bounds.MaxY)))
}

// Camera is the point the camera looks at, in view units: the followed
// player's entity when it is in the world, else the free camera's point
// (a followed player that died or left leaves the camera where it was).
func (p *Player) Camera() (x, y float64) {
	if x, y, ok := p.followed(); ok {
		p.camX, p.camY = x, y
	}
	return p.camX, p.camY
}

// followed locates the followed player's entity.
func (p *Player) followed() (x, y float64, ok bool) {
	if p.follow == 0 {
		return 0, 0, false
	}
	view := p.View()
	i, found := slices.BinarySearchFunc(view, uint32(p.follow), func(e game.Entity, id uint32) int { return int(int64(e.ID) - int64(id)) })
	if !found {
		return 0, 0, false
	}
	return float64(view[i].X), float64(view[i].Y), true
}
