package match

import (
	"runtime"
	"sync"
	"time"

	"github.com/skirmishgg/skirmish/server/clock"
)

// Metronome runs the fixed steps of every match of a host from one ticker
// on one goroutine (its beat), instead of a ticker and a goroutine per
// match. Every beat lands on one grid of times, so all matches step, and
// all their snapshot ticks fall, on the same wake-up: the process wakes
// once a period however many matches it runs, and the sender pool is
// handed a beat's peers in one Dispatch. A beat with many matches spreads
// them over a bounded set of workers; a beat with few runs them on the beat
// goroutine itself and wakes nothing else.
//
// Each match keeps its own schedule (capped catch-up, dropped steps,
// lateness and overrun metrics measured per match), so one match's stall
// shows in its own figures; the matches of one worker's group run one
// after the other, and since a step never blocks, a group's beat is
// bounded by its steps.
//
// Who owns what:
//   - mu guards added and running: any goroutine (Match.Start) adds.
//   - The beat goroutine owns matches, start and the workers' job channel;
//     it hands each worker a group of matches for one beat and waits for
//     it, so a match's loop state (everything the loop owns, see Match)
//     is only ever touched by one goroutine at a time, with the handover
//     ordered by the job channel and the WaitGroup.
//   - The beat goroutine lives while it has matches: when the last ends it
//     stops its ticker and its workers and exits; the next Start starts it
//     again. An idle host wakes for nothing.
type Metronome struct {
	clock     clock.Clock
	period    time.Duration
	workers   int
	perWorker int

	// wake makes the beat goroutine beat now, without waiting for its
	// ticker: a Stop or End is carried out at once (a beat runs only the
	// steps that are due, so an extra one changes no match's rate).
	wake chan struct{}

	mu      sync.Mutex
	added   []*Match // matches started since the last beat
	running bool     // the beat goroutine is alive (or about to be)
}

// MetronomeOptions configures a Metronome. Zero fields take the defaults
// documented on them.
type MetronomeOptions struct {
	// Clock drives the beat. Default clock.System.
	Clock clock.Clock

	// Rate is how many beats a second. Set it to the highest tick rate of
	// the host's games: a game whose period is not a whole number of beats
	// steps on the first beat at or after each due time, so its steps are
	// late by up to a beat. Default 60.
	Rate int

	// Workers is the most goroutines that step matches at once, the beat
	// goroutine included. Default GOMAXPROCS.
	Workers int

	// MatchesPerWorker is the smallest group of matches a beat hands to a
	// worker of its own: a beat of fewer matches runs them all on the beat
	// goroutine, waking no other. Default 8.
	MatchesPerWorker int
}

// NewMetronome returns a metronome; it starts beating when the first match
// starts on it (Match.Start, through Options.Metronome).
func NewMetronome(o MetronomeOptions) *Metronome {
	if o.Clock == nil {
		o.Clock = clock.System{}
	}
	if o.Rate <= 0 {
		o.Rate = 60
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.MatchesPerWorker <= 0 {
		o.MatchesPerWorker = 8
	}
	return &Metronome{clock: o.Clock, period: time.Second / time.Duration(o.Rate), wake: make(chan struct{}, 1), workers: o.Workers, perWorker: o.MatchesPerWorker}
}

// add puts a match on the metronome; it steps from the next beat. When the
// beat goroutine is not running, its ticker is made here, before add
// returns, so a test's fake clock reaches it. Any goroutine.
func (mt *Metronome) add(m *Match) {
	mt.mu.Lock()
	defer mt.mu.Unlock()
	mt.added = append(mt.added, m)
	if mt.running {
		return
	}
	mt.running = true
	// Beats are anchored to a start read before the ticker exists, so
	// every fire lands at or after its grid time: anchored after it, a
	// fire that wakes quickly would find its step not yet due and the step
	// would wait a whole period.
	start := mt.clock.Now()
	t := mt.clock.NewTicker(mt.period)
	go mt.run(start, t)
}

// nudge asks for a beat now. It never blocks. Any goroutine.
func (mt *Metronome) nudge() {
	select {
	case mt.wake <- struct{}{}:
	default: // a beat is asked for already
	}
}

// beatJob is one worker's share of a beat.
type beatJob struct {
	matches []*Match
	done    *sync.WaitGroup
}

// run is the beat goroutine.
func (mt *Metronome) run(start time.Time, t clock.Ticker) {
	defer t.Stop()
	jobs := make(chan beatJob)
	defer close(jobs)
	for range mt.workers - 1 {
		go func() {
			var ready []Peer
			for j := range jobs {
				ready = runGroup(j.matches, ready)
				j.done.Done()
			}
		}()
	}
	var (
		matches []*Match
		ready   []Peer
		wg      sync.WaitGroup
	)
	for {
		select {
		case <-t.C():
		case <-mt.wake:
		}
		mt.mu.Lock()
		for _, m := range mt.added {
			m.anchor(start, mt.period)
		}
		matches = append(matches, mt.added...)
		clear(mt.added)
		mt.added = mt.added[:0]
		mt.mu.Unlock()

		// Groups of at least perWorker matches, at most one a worker;
		// the first runs here.
		n := len(matches)
		groups := max(1, min(mt.workers, n/mt.perWorker))
		size := (n + groups - 1) / groups
		wg.Add(groups - 1)
		for g := 1; g < groups; g++ {
			jobs <- beatJob{matches: matches[min(n, g*size):min(n, (g+1)*size)], done: &wg}
		}
		ready = runGroup(matches[:min(n, size)], ready)
		wg.Wait()

		// Matches that ended leave; their loops released them (exit).
		kept := matches[:0]
		for _, m := range matches {
			if !m.over {
				kept = append(kept, m)
			}
		}
		clear(matches[len(kept):])
		matches = kept
		if len(matches) == 0 {
			mt.mu.Lock()
			if len(mt.added) == 0 {
				mt.running = false
				mt.mu.Unlock()
				return
			}
			mt.mu.Unlock()
		}
	}
}

// runGroup runs one beat of each match, then hands the peers their
// snapshot ticks made ready to each match's Dispatcher, once per run of
// matches sharing one. ready is scratch, returned for reuse.
func runGroup(matches []*Match, ready []Peer) []Peer {
	var to Dispatcher
	flush := func() {
		if len(ready) > 0 && to != nil {
			to.Dispatch(ready)
		}
		clear(ready) // hold no peer past the beat
		ready = ready[:0]
	}
	for _, m := range matches {
		ended := m.beat()
		if d := m.opts.Dispatcher; d != to {
			flush()
			to = d
		}
		ready = append(ready, m.ready...)
		clear(m.ready)
		m.ready = m.ready[:0]
		if ended {
			// A match that plays out to its spectators stays (playOut).
			m.over = m.exit()
		}
	}
	flush()
	return ready
}
