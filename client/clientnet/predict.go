package clientnet

import (
	"sync"
	"time"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/replay"
)

// Defaults of PredictorOptions.
const (
	DefaultPredictSmoothTime   = 100 * time.Millisecond
	DefaultPredictSnapDistance = 200.0
	DefaultPredictErrorUnit    = 4.0
	DefaultPredictHistory      = 256
	DefaultPredictErrorWindow  = 4096
	DefaultPredictMaxAhead     = 500 * time.Millisecond
)

// PredictorOptions configures a Predictor. A nil *PredictorOptions, and
// every zero field, takes the default documented on the field.
type PredictorOptions struct {
	// SmoothTime is how long a correction takes to fade out of the drawn
	// position: instead of jumping, the drawn position keeps an offset
	// that decays exponentially, 95% gone after SmoothTime. Default 100ms;
	// negative: corrections show at once.
	SmoothTime time.Duration

	// SnapDistance is the correction, in position units (the view's: 1/4
	// world unit in the arena), from which the drawn position jumps at once
	// and the correction is not counted as a prediction error: a respawn
	// or a teleport. Default 200 (50 world units in the arena).
	SnapDistance float64

	// ErrorUnit is the number of position units per unit of the reported
	// errors. Default 4, the arena's view units per world unit, so that
	// errors read in world units.
	ErrorUnit float64

	// Kind, FieldX and FieldY name the player's kind and position fields
	// in the schema, for measuring errors and smoothing corrections.
	// Defaults "player", "x" and "y".
	Kind, FieldX, FieldY string

	// History is how many local ticks and inputs are remembered: the
	// longest round trip that can be predicted over. Default 256 (4.3 s at
	// 60 ticks a second).
	History int

	// ErrorWindow is how many of the newest errors the percentiles of
	// Errors cover. Default 4096.
	ErrorWindow int

	// MaxAhead bounds how far the local ticks run past the arrival of the
	// newest snapshot: when snapshots stop (a stalled network), the
	// predicted player holds still after this long instead of walking on
	// alone, and the next snapshot puts it right. Default 500ms;
	// negative: no bound.
	MaxAhead time.Duration

	// Log, when positive, keeps the newest Log reconciliations as a
	// prediction log (PredictionLog). Default 0: none.
	Log int
}

func (o *PredictorOptions) withDefaults() PredictorOptions {
	var c PredictorOptions
	if o != nil {
		c = *o
	}
	if c.SmoothTime == 0 {
		c.SmoothTime = DefaultPredictSmoothTime
	}
	if c.SnapDistance <= 0 {
		c.SnapDistance = DefaultPredictSnapDistance
	}
	if c.ErrorUnit <= 0 {
		c.ErrorUnit = DefaultPredictErrorUnit
	}
	if c.Kind == "" {
		c.Kind = "player"
	}
	if c.FieldX == "" {
		c.FieldX = "x"
	}
	if c.FieldY == "" {
		c.FieldY = "y"
	}
	if c.History < 16 {
		c.History = DefaultPredictHistory
	}
	if c.ErrorWindow <= 0 {
		c.ErrorWindow = DefaultPredictErrorWindow
	}
	if c.MaxAhead == 0 {
		c.MaxAhead = DefaultPredictMaxAhead
	}
	return c
}

// Predictor runs the client's own player ahead of the server with the
// game's own code (game.Predictor), so the player's inputs show at once
// instead of a round trip later, and reconciles with every snapshot.
//
// It keeps a local clock of ticks at the server's tick rate; every tick
// steps the predicted state with the input in force (the last one Sent)
// and remembers it. Each input is recorded with its sequence number and
// the local tick it came into force, hence how many local ticks it was in
// force. A snapshot says which input the server held at its tick (LastSeq)
// and where the player was. From the inputs' server start ticks (bounded
// by the snapshots' LastSeq, placed by the Clock's estimate of when each
// input reached the server) the Predictor keeps the offset between server
// and local ticks, so it knows which local tick a snapshot's tick matches.
// It compares its prediction for that tick with the server's position
// (the prediction error, see Errors) and, when they differ beyond the
// view's precision, replaces that tick's state by the server's and steps
// the inputs in force since then again: the inputs the server has not
// applied yet are replayed on top of its state. The drawn position eases
// into the corrected one over SmoothTime, unless the correction is a jump
// (a respawn).
//
// It is safe for concurrent use.
type Predictor struct {
	mu       sync.Mutex
	game     game.Predictor
	clock    *Clock
	ownClock bool // Reconcile feeds it
	o        PredictorOptions
	period   time.Duration
	player   uint32
	fx, fy   int // position fields; -1: none

	// Local ticks: tick k runs at epoch + k·period.
	started bool
	epoch   time.Time
	k       int64 // newest local tick run
	ticks   []tickSlot
	cur     game.Input // the input in force

	// Inputs sent, by sequence number.
	inputs    []inputRec
	lastSent  uint32
	firstSent uint32 // first sequence number since Reset; 0: none

	// What the server said.
	have     bool            // a predicted state exists
	base     protocol.Entity // newest server entity of the player
	pending  pendingBase
	prevTick uint32 // tick and LastSeq of the previous snapshot
	prevSeq  uint32
	havePrev bool
	eps      float64 // learned correction to the Clock's input ticks
	dMean    float64 // mean server-minus-local start tick of the inputs
	d        int64   // the offset in use: server tick T matches local T-d
	haveD    bool

	// Drawing.
	offX, offY float64 // drawn minus predicted position
	offAt      time.Time

	snapAt time.Time // arrival of the newest snapshot; zero: none since Reset

	errs  errorStats
	log   predLog
	kinds []protocol.KindSchema // of the Welcome, for the log
}

type tickSlot struct {
	k     int64
	state game.PlayerState
	in    game.Input
	valid bool
}

type inputRec struct {
	seq    uint32
	in     game.Input
	sentAt time.Time
	c      int64 // first local tick in force
	s      int64 // estimated server tick it was first applied at
	known  bool  // s is set
}

// pendingBase is a server state for a local tick not run yet.
type pendingBase struct {
	k     int64
	state game.PlayerState
	ok    bool
}

// Gains of the learned input-tick correction and tick offset, per input
// first seen held, and how far the mean offset may stray from the one in
// use before that one changes.
const (
	epsGain     = 0.2
	dGain       = 0.1
	dHysteresis = 0.6
)

// NewPredictor returns a Predictor of player w.Player, on the tick rate and
// schema of w, stepping with g and estimating input arrivals with clock
// (which the snapshots must feed, as an Interpolator sharing it does;
// nil: a Clock of its own, fed by Reconcile).
func NewPredictor(g game.Predictor, w *protocol.Welcome, clock *Clock, opts *PredictorOptions) *Predictor {
	o := opts.withDefaults()
	p := &Predictor{
		game:   g,
		o:      o,
		ticks:  make([]tickSlot, o.History),
		inputs: make([]inputRec, o.History),
		errs:   newErrorStats(o.ErrorWindow),
		log:    predLog{ring: make([]replay.PredictionSample, max(o.Log, 0))},
	}
	if clock == nil {
		clock = NewClock(int(w.TickRate), int(w.SnapshotRate), nil)
		p.ownClock = true
	}
	p.clock = clock
	p.configure(w)
	return p
}

func (p *Predictor) configure(w *protocol.Welcome) {
	p.player = w.Player
	p.kinds = w.Kinds
	rate := int(p.clock.TickRate())
	p.period = time.Second / time.Duration(rate)
	p.fx, p.fy = -1, -1
	if _, f, ok := LookupField(w.Kinds, p.o.Kind, p.o.FieldX); ok {
		p.fx = f
	}
	if _, f, ok := LookupField(w.Kinds, p.o.Kind, p.o.FieldY); ok {
		p.fy = f
	}
}

// Reset starts over for a new connection, whose input sequence numbers
// start again at 1: it forgets the inputs, the ticks and the state (the
// next snapshot gives it again) but keeps the error figures.
func (p *Predictor) Reset(w *protocol.Welcome) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.configure(w)
	p.started, p.have, p.havePrev, p.haveD = false, false, false, false
	p.pending = pendingBase{}
	p.cur = game.Input{}
	p.lastSent, p.firstSent = 0, 0
	clear(p.ticks)
	clear(p.inputs)
	p.offX, p.offY = 0, 0
	p.snapAt = time.Time{}
}

// Player is the predicted player's ID.
func (p *Predictor) Player() uint32 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.player
}

func (p *Predictor) slot(k int64) *tickSlot {
	return &p.ticks[k%int64(len(p.ticks))]
}

// slotAt returns tick k's slot, or nil when it is not remembered.
func (p *Predictor) slotAt(k int64) *tickSlot {
	if k < 0 || k > p.k {
		return nil
	}
	s := p.slot(k)
	if s.k != k || !s.valid {
		return nil
	}
	return s
}

func (p *Predictor) rec(seq uint32) *inputRec {
	r := &p.inputs[seq%uint32(len(p.inputs))]
	if seq == 0 || r.seq != seq {
		return nil
	}
	return r
}

// start sets the local tick clock's epoch: tick 0 is now. p.mu held.
func (p *Predictor) start(now time.Time) {
	p.started, p.epoch, p.k = true, now, 0
	*p.slot(0) = tickSlot{in: p.cur}
}

// Update runs the local ticks due by local time now. Sample, Sent and
// Reconcile run it themselves.
func (p *Predictor) Update(now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.update(now)
}

func (p *Predictor) update(now time.Time) {
	if !p.started {
		p.start(now)
		return
	}
	due := int64(now.Sub(p.epoch) / p.period)
	if p.o.MaxAhead > 0 && !p.snapAt.IsZero() {
		due = min(due, int64(p.snapAt.Add(p.o.MaxAhead).Sub(p.epoch)/p.period))
	}
	if due <= p.k {
		return
	}
	if h := int64(len(p.ticks)); due-p.k > h/2 {
		// Far behind (a suspended tab): skip ahead, holding the state;
		// the next snapshot puts it right.
		old := *p.slot(p.k)
		p.k = due - 1
		*p.slot(p.k) = tickSlot{k: p.k, state: old.state, in: p.cur, valid: old.valid}
	}
	for p.k < due {
		p.k++
		p.runTick(p.k)
	}
}

// runTick steps tick k from tick k-1 with the input in force. p.mu held.
func (p *Predictor) runTick(k int64) {
	prev := p.slotAt(k - 1)
	s := p.slot(k)
	*s = tickSlot{k: k, in: p.cur}
	switch {
	case p.pending.ok && k >= p.pending.k:
		s.state, s.valid = p.pending.state, true
		p.pending.ok = false
	case prev != nil:
		s.state, s.valid = p.game.PredictStep(prev.state, p.cur), true
	}
}

// Sent records that the input with sequence number seq (as SendInput
// returned it) was sent at local time at. It is in force from the next
// local tick on, until the next input.
func (p *Predictor) Sent(seq uint32, in protocol.Input, at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.update(at)
	if seq <= p.lastSent { // numbering started over without a Reset
		clear(p.inputs)
		p.firstSent = 0
	}
	gi := game.Input{Seq: seq, MoveX: in.MoveX, MoveY: in.MoveY, Aim: in.Aim, Buttons: in.Buttons}
	*p.rec0(seq) = inputRec{seq: seq, in: gi, sentAt: at, c: p.k + 1}
	p.lastSent = seq
	if p.firstSent == 0 {
		p.firstSent = seq
	}
	p.cur = gi
}

func (p *Predictor) rec0(seq uint32) *inputRec {
	return &p.inputs[seq%uint32(len(p.inputs))]
}
