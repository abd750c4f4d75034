package clientnet

import (
	"math/rand/v2"
	"time"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/protocol"
)

// simConfig describes one simulated session: an arena world run as the
// server would run it (60 Hz steps, the newest input held, a snapshot
// every SnapshotEvery ticks carrying the held input's seq), a client that
// predicts with a Predictor, and a link between them with a latency drawn
// uniformly from [Latency-Jitter, Latency+Jitter] each way, in order (a
// WebSocket is one TCP stream: nothing overtakes).
type simConfig struct {
	Latency, Jitter time.Duration
	InputHz         int           // inputs sent per second (a divisor of 60)
	Phase           time.Duration // client ticks run this long after the server's
	Duration        time.Duration // of random play
	Still           time.Duration // then of zero input
	SnapshotEvery   int           // server ticks per snapshot
	PingEvery       time.Duration // 0: no pings
	Seed            uint64
	Arena           *arena.Config
	Predict         *PredictorOptions

	// OnFrame, when set, runs after every client frame with the predictor
	// and the server's position history (view entity of player 1 per tick).
	OnFrame func(s *sim, now time.Time)
}

type simMsg struct {
	at      time.Time
	in      game.Input      // uplink input
	ping    bool            // uplink ping / downlink pong
	sent    time.Time       // ping's send time
	pongAt  uint32          // pong's server tick
	snap    bool            // downlink snapshot
	tick    uint32          // snapshot tick
	lastSeq uint32          // snapshot LastSeq
	self    protocol.Entity // snapshot's player 1
}

// link is one direction: FIFO, each message delayed by latency ± jitter
// but never before the previous one.
type link struct {
	q    []simMsg
	last time.Time
	lat  time.Duration
	jit  time.Duration
	rng  *rand.Rand
}

func (l *link) push(now time.Time, m simMsg) {
	d := l.lat
	if l.jit > 0 {
		d += time.Duration(l.rng.Int64N(int64(2*l.jit)+1)) - l.jit
	}
	m.at = now.Add(max(d, 0))
	if m.at.Before(l.last) {
		m.at = l.last
	}
	l.last = m.at
	l.q = append(l.q, m)
}

func (l *link) next() (time.Time, bool) {
	if len(l.q) == 0 {
		return time.Time{}, false
	}
	return l.q[0].at, true
}

func (l *link) pop() simMsg {
	m := l.q[0]
	l.q = l.q[1:]
	return m
}

type sim struct {
	cfg    simConfig
	rules  *arena.Rules
	world  game.World
	clock  *Clock
	pred   *Predictor
	t0     time.Time
	period time.Duration

	up, down link
	rng      *rand.Rand

	// Server.
	tick    uint32
	inbox   game.Input
	inNew   bool
	held    game.Input
	history map[uint32]protocol.Entity // player 1's view after each tick

	// Client.
	seq  uint32
	in   protocol.Input
	hold int // inputs left before the controls change
}

const simPlayer = 1

func newSim(cfg simConfig) *sim {
	rules := arena.New(cfg.Arena)
	w := rules.NewWorld(cfg.Seed)
	if err := w.AddPlayer(simPlayer); err != nil {
		panic(err)
	}
	if cfg.SnapshotEvery == 0 {
		cfg.SnapshotEvery = 2
	}
	welcome := &protocol.Welcome{Player: simPlayer, TickRate: 60, SnapshotRate: uint32(60 / cfg.SnapshotEvery), Kinds: testKinds}
	clock := NewClock(60, 60/cfg.SnapshotEvery, nil)
	s := &sim{
		cfg:     cfg,
		rules:   rules,
		world:   w,
		clock:   clock,
		pred:    NewPredictor(rules, welcome, clock, cfg.Predict),
		t0:      time.Unix(1_000_000, 0),
		period:  time.Second / 60,
		rng:     rand.New(rand.NewPCG(cfg.Seed, 0xC11E)),
		history: map[uint32]protocol.Entity{},
	}
	s.up = link{lat: cfg.Latency, jit: cfg.Jitter, rng: rand.New(rand.NewPCG(cfg.Seed, 1))}
	s.down = link{lat: cfg.Latency, jit: cfg.Jitter, rng: rand.New(rand.NewPCG(cfg.Seed, 2))}
	return s
}

// stepAt is when server tick n runs.
func (s *sim) stepAt(n uint32) time.Time {
	return s.t0.Add(time.Duration(int64(n) * int64(time.Second) / 60))
}

// frameAt is when client frame i runs (one frame per local tick).
func (s *sim) frameAt(i int64) time.Time {
	return s.t0.Add(s.cfg.Phase + time.Duration(i*int64(time.Second)/60))
}

// run plays the session and returns the time it ended.
func (s *sim) run() time.Time {
	end := s.t0.Add(s.cfg.Duration + s.cfg.Still)
	stillFrom := s.t0.Add(s.cfg.Duration)
	inputEvery := int64(60 / s.cfg.InputHz)
	var frame int64
	nextPing := s.t0
	for {
		stepT := s.stepAt(s.tick + 1)
		frameT := s.frameAt(frame)
		t := minTime(stepT, frameT)
		if at, ok := s.up.next(); ok && !at.After(t) {
			s.serverReceive(s.up.pop())
			continue
		}
		if at, ok := s.down.next(); ok && !at.After(t) {
			s.clientReceive(s.down.pop())
			continue
		}
		if t.After(end) {
			return end
		}
		if !stepT.After(frameT) {
			s.serverStep()
			continue
		}
		// Client frame: run the due local tick, then send the controls.
		s.pred.Update(frameT)
		if frame%inputEvery == 0 {
			s.sendInput(frameT, !frameT.Before(stillFrom))
		}
		if s.cfg.PingEvery > 0 && !frameT.Before(nextPing) {
			s.up.push(frameT, simMsg{ping: true, sent: frameT})
			nextPing = nextPing.Add(s.cfg.PingEvery)
		}
		if s.cfg.OnFrame != nil {
			s.cfg.OnFrame(s, frameT)
		}
		frame++
	}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func (s *sim) sendInput(now time.Time, still bool) {
	switch {
	case still:
		s.in = protocol.Input{Aim: s.in.Aim}
	case s.hold <= 0:
		// New controls, held for a random while (about 250 ms on average).
		s.in = protocol.Input{MoveX: int8(s.rng.IntN(255) - 127), MoveY: int8(s.rng.IntN(255) - 127), Aim: uint16(s.rng.Uint32())}
		if s.rng.IntN(4) == 0 { // some straight runs
			s.in.MoveX, s.in.MoveY = int8(127*(s.rng.IntN(3)-1)), int8(127*(s.rng.IntN(3)-1))
		}
		s.hold = 1 + s.rng.IntN(s.cfg.InputHz/2)
	}
	s.hold--
	s.seq++
	in := s.in
	in.Seq = s.seq
	s.pred.Sent(s.seq, in, now)
	s.up.push(now, simMsg{in: game.Input{Seq: in.Seq, MoveX: in.MoveX, MoveY: in.MoveY, Aim: in.Aim, Buttons: in.Buttons}})
}

func (s *sim) serverReceive(m simMsg) {
	if m.ping {
		s.down.push(m.at, simMsg{ping: true, sent: m.sent, pongAt: s.tick})
		return
	}
	s.inbox, s.inNew = m.in, true
}

func (s *sim) serverStep() {
	s.tick++
	now := s.stepAt(s.tick)
	if s.inNew {
		s.held, s.inNew = s.inbox, false
	}
	s.world.Step(s.tick, []game.PlayerInput{{Player: simPlayer, Input: s.held}})
	var self protocol.Entity
	for _, e := range s.world.AppendView(nil) {
		if e.ID == simPlayer {
			self = protocol.Entity(e)
			self.X, self.Y = 0, 0 // not on the wire
		}
	}
	s.history[s.tick] = self
	if int(s.tick)%s.cfg.SnapshotEvery == 0 {
		s.down.push(now, simMsg{snap: true, tick: s.tick, lastSeq: s.held.Seq, self: self})
	}
}

func (s *sim) clientReceive(m simMsg) {
	if m.ping {
		s.clock.ObservePong(m.sent, m.at, m.pongAt)
		return
	}
	s.clock.ObserveSnapshot(m.tick, m.at)
	s.pred.Reconcile(m.tick, m.lastSeq, &m.self, m.at)
}
