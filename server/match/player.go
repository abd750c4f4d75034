package match

import (
	"sync"
	"sync/atomic"

	"github.com/skirmishgg/skirmish/game"
)

// Player is one connected player's place in a match, the handle its
// transport holds: the transport's reader pushes inputs into it and hands
// it back to Leave. The match's loop owns everything else in it.
type Player struct {
	id   game.PlayerID // set when the player joined; read-only afterwards
	name string        // likewise
	key  string        // the seat's key: its join token's nonce or resume token
	peer Peer
	// resumed: this connection took back a seat its player held before
	// (after a drop, or from an older connection). Set when the player
	// joined; read-only afterwards.
	resumed bool

	// inbox: written by the transport's reader, drained by the tick.
	inMu      sync.Mutex
	inLatest  game.Input
	inSeen    Seen  // what the client had and showed when it sent inLatest
	inButtons uint8 // buttons OR-ed over every input since the last drain, so a tap is never lost
	inNew     bool

	// forfeited is set when the transport closed the player for abuse: its
	// seat must not pass to a resume that beats the player's Leave to the
	// loop. Any goroutine.
	forfeited atomic.Bool

	// current is the input the tick applies until a newer one arrives, and
	// currentButtons the buttons of that input itself (current may carry a
	// tap merged in for one step). Tick only.
	current        game.Input
	currentButtons uint8
}

// ID is the player's ID in its match.
func (p *Player) ID() game.PlayerID { return p.id }

// Name is the player's name as the match shows it to the others.
func (p *Player) Name() string { return p.name }

// Resumed reports whether this connection took back its player's seat
// (a resume) rather than taking a new one.
func (p *Player) Resumed() bool { return p.resumed }

// Seen is what a client had when it sent an input, from which the match
// derives the input's Rewind for lag compensation (Options.MaxRewind).
type Seen struct {
	// Ack is the newest snapshot tick the client had applied
	// (protocol.Input.Ack), no newer than the newest snapshot written to
	// it: the transport checks that. 0: unknown.
	Ack uint32
	// View is the tick the client drew the others at (protocol.Input.View).
	// A view newer than Ack counts as Ack. 0: not reported; the match
	// then assumes Options.InterpDelay behind Ack.
	View uint32
}

// Push records the newest input from the client. It never blocks on the
// tick for longer than a copy. Any goroutine, usually the reader.
func (p *Player) Push(in game.Input) { p.PushSeen(in, Seen{}) }

// PushSeen is Push for an input sent when the client had and showed what
// seen says.
func (p *Player) PushSeen(in game.Input, seen Seen) {
	p.inMu.Lock()
	p.inLatest = in
	p.inSeen = seen
	p.inButtons |= in.Buttons
	p.inNew = true
	p.inMu.Unlock()
}

// takeInput updates current with the newest input, if any arrived, and
// returns what its client had when it sent it; fresh is false when no
// input arrived. Tick only.
func (p *Player) takeInput() (seen Seen, fresh bool) {
	p.inMu.Lock()
	if p.inNew {
		seen, fresh = p.inSeen, true
		p.current = p.inLatest
		p.currentButtons = p.inLatest.Buttons
		p.current.Buttons |= p.inButtons
		p.inButtons = 0
		p.inNew = false
	} else {
		p.current.Buttons = p.currentButtons
	}
	p.inMu.Unlock()
	return seen, fresh
}

// Forfeit says the player was closed for abuse (a flood, garbage): its
// seat is freed, and a resume that arrives before its Leave does not take
// it over. Any goroutine.
func (p *Player) Forfeit() { p.forfeited.Store(true) }
