package match_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/clock"
	"github.com/skirmishgg/skirmish/server/match"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// readyPeer is an in-memory peer that asks to be dispatched on every
// snapshot, as a transport's session does.
type readyPeer struct{ servertest.Peer }

func (p *readyPeer) Offer(v *match.View, lastSeq uint32) bool {
	p.Peer.Offer(v, lastSeq)
	return true
}

// dispatchLog records every Dispatch call: how many peers each carried.
type dispatchLog struct {
	mu    sync.Mutex
	calls []int
}

func (d *dispatchLog) Dispatch(peers []match.Peer) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.calls = append(d.calls, len(peers))
}

func (d *dispatchLog) get() []int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]int(nil), d.calls...)
}

// joinOn seats a ready peer in m, advancing the fake clock a period at a
// time until the loop has answered.
func joinOn(t *testing.T, fake *clock.Fake, m *match.Match, key string) {
	t.Helper()
	if err := m.Reserve(key, fake.Now().Add(time.Minute), time.Time{}); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := m.Join(match.JoinRequest{Key: key, Fresh: true, ResumeToken: key, Peer: &readyPeer{}})
		done <- err
	}()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		want := m.Stats().Ticks + 1
		fake.Advance(time.Second / 60)
		servertest.WaitFor(t, "a step", func() bool { return m.Stats().Ticks >= want })
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			return
		case <-time.After(time.Millisecond):
		}
	}
	t.Fatal("join not answered")
}

// Matches started on different beats step on the same beats and publish
// their snapshots on the same beats, so the senders are handed every
// match's peers in one Dispatch a snapshot, not one per match.
func TestMetronomeAlignsMatches(t *testing.T) {
	fake := clock.NewFake()
	log := &dispatchLog{}
	opts := (&match.Options{Clock: fake, SnapshotRate: 20, Dispatcher: log,
		Metronome: match.NewMetronome(match.MetronomeOptions{Clock: fake, Workers: 1})}).WithDefaults()
	rules := &recordingRules{}
	schema, err := match.NewSchema(rules)
	if err != nil {
		t.Fatal(err)
	}
	var ms []*match.Match
	for i := range 3 {
		m := match.New(fmt.Sprint("m", i), rules, schema, 1, opts)
		m.Start()
		t.Cleanup(func() { m.Stop(protocol.CloseGoingAway, "test over"); <-m.Done() })
		ms = append(ms, m)
		// Each joins on beats of its own: the matches start out of phase.
		joinOn(t, fake, m, "p")
	}
	if fake.Tickers() != 1 {
		t.Fatalf("%d tickers for 3 matches, want the metronome's one", fake.Tickers())
	}
	before := len(log.get())
	ticks := func() (ts []uint64) {
		for _, m := range ms {
			ts = append(ts, m.Stats().Ticks)
		}
		return ts
	}
	for range 6 {
		want := ticks()
		fake.Advance(time.Second / 60)
		servertest.WaitFor(t, "every match to step", func() bool {
			for i, tk := range ticks() {
				if tk != want[i]+1 {
					return false
				}
			}
			return true
		})
	}
	// 6 beats at 60 Hz hold 2 snapshot ticks at 20 Hz: two Dispatch calls
	// of three peers, one per match.
	servertest.WaitFor(t, "two dispatches", func() bool { return len(log.get()) >= before+2 })
	if got := log.get()[before:]; len(got) != 2 || got[0] != 3 || got[1] != 3 {
		t.Fatalf("dispatches over 6 beats carried %v peers, want [3 3]", got)
	}
}

// Many matches start, step, and stop or end while the metronome beats on
// several workers: every match steps, ends when told, and the metronome
// stops its ticker when the last is gone and starts again for the next.
// Run with -race: the loops' state moves between the beat goroutine and
// the workers.
func TestMetronomeManyMatchesStartAndStop(t *testing.T) {
	fake := clock.NewFake()
	mt := match.NewMetronome(match.MetronomeOptions{Clock: fake, Workers: 3, MatchesPerWorker: 2})
	opts := (&match.Options{Clock: fake, SnapshotRate: 20, Dispatcher: &dispatchLog{}, Metronome: mt}).WithDefaults()
	rules := &recordingRules{}
	schema, err := match.NewSchema(rules)
	if err != nil {
		t.Fatal(err)
	}

	// The beat: the fake clock moves a period every 100µs until the test
	// is done (bounded by the test's own deadline through WaitFor).
	stop := make(chan struct{})
	var beat sync.WaitGroup
	beat.Add(1)
	go func() {
		defer beat.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Microsecond):
				fake.Advance(time.Second / 60)
			}
		}
	}()
	defer func() { close(stop); beat.Wait() }()

	const starters, perStarter = 4, 8
	var wg sync.WaitGroup
	for s := range starters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perStarter {
				m := match.New(fmt.Sprintf("m%d-%d", s, i), rules, schema, 1, opts)
				m.Start()
				if err := m.Reserve("p", fake.Now().Add(time.Minute), time.Time{}); err != nil {
					t.Error(err)
					return
				}
				if _, err := m.Join(match.JoinRequest{Key: "p", Fresh: true, ResumeToken: "p", Peer: &readyPeer{}}); err != nil {
					t.Error(err)
					return
				}
				start := m.Stats().Ticks
				for deadline := time.Now().Add(5 * time.Second); m.Stats().Ticks < start+5 && time.Now().Before(deadline); {
					time.Sleep(time.Millisecond)
				}
				if m.Stats().Ticks < start+5 {
					t.Errorf("%s: stuck at tick %d", m.ID(), m.Stats().Ticks)
				}
				if i%2 == 0 {
					m.Stop(protocol.CloseGoingAway, "stopped")
				} else {
					m.End("ended", protocol.CloseNormal, "ended")
				}
				select {
				case <-m.Done():
				case <-time.After(5 * time.Second):
					t.Errorf("%s: not done 5s after it was stopped", m.ID())
					return
				}
				if i%2 == 1 && m.Result() == nil {
					t.Errorf("%s: ended without a result", m.ID())
				}
			}
		}()
	}
	wg.Wait()
	// Every match is gone: the metronome stops and a new match starts it
	// again, with a ticker of its own.
	servertest.WaitFor(t, "the metronome to restart", func() bool {
		n := fake.Tickers()
		m := match.New("again", rules, schema, 1, opts)
		m.Start()
		defer func() { m.Stop(protocol.CloseGoingAway, "done"); <-m.Done() }()
		return fake.Tickers() > n
	})
}
