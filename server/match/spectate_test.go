package match_test

import (
	"errors"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/match"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// TestSpectatorsSeeTheMatchDelayed: the match shows its spectators each
// view exactly the delay after it was made, each one's baseline the view
// shown before it, without seating them.
func TestSpectatorsSeeTheMatchDelayed(t *testing.T) {
	for _, tc := range []struct {
		name       string
		delay      time.Duration
		delayTicks uint32 // at 60 Hz
	}{
		{"100ms", 100 * time.Millisecond, 6},
		{"2s default", 0, 120},
		{"none", -1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			aud := &servertest.Audience{}
			m := servertest.StartMatch(t, &recordingRules{}, &match.Options{SnapshotRate: 30, SpectateDelay: tc.delay, Audience: aud})
			m.Join("k1", "p1")
			seats := m.Seats()
			sp, err := m.Spectate()
			if err != nil {
				t.Fatal(err)
			}
			if m.Seats() != seats || m.Spectators() != 1 {
				t.Fatalf("seats %+v → %+v, spectators %d: a spectator must take no seat", seats, m.Seats(), m.Spectators())
			}
			var w protocol.Watching
			msgs := sp.Messages()
			if len(msgs) < 2 || w.Decode(msgs[0]) != nil || w.DelayMs != uint32(max(tc.delay, 0).Milliseconds()) && tc.delay != 0 {
				t.Fatalf("first messages %x: want Watching with the delay, then the roster", msgs)
			}
			if tc.delay == 0 && w.DelayMs != 2000 {
				t.Fatalf("Watching.DelayMs = %d, want the default 2000", w.DelayMs)
			}
			m.Advance(int(tc.delayTicks) + 40)
			shown := aud.Shown()
			if len(shown) < 15 {
				t.Fatalf("%d views shown over 40 ticks past the delay, want about 20", len(shown))
			}
			for i, s := range shown {
				if s.Spectators != 1 {
					t.Fatalf("view %d shown to %d spectators", i, s.Spectators)
				}
				if i > 0 && s.Base != shown[i-1].Tick {
					t.Fatalf("view %d (tick %d) has base %d, want the tick shown before, %d", i, s.Tick, s.Base, shown[i-1].Tick)
				}
				if i == 0 && s.Base != 0 {
					t.Fatalf("the first view shown has base %d, want none", s.Base)
				}
			}
			// The newest view shown was made exactly the delay ago (or up
			// to a snapshot interval more: views exist every other tick).
			last := shown[len(shown)-1].Tick
			if lag := m.Tick() - last; lag < tc.delayTicks || lag > tc.delayTicks+1 {
				t.Fatalf("at tick %d the spectators see tick %d: %d ticks behind, want %d", m.Tick(), last, lag, tc.delayTicks)
			}

			m.Unspectate(sp)
			n := len(aud.Shown())
			m.Advance(10)
			if m.Spectators() != 0 || len(aud.Shown()) != n || !sp.Detached() {
				t.Fatalf("after leaving: %d spectators, %d more views shown, detached %v", m.Spectators(), len(aud.Shown())-n, sp.Detached())
			}
		})
	}
}

func TestSpectateRefusals(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts match.Options
		want error
	}{
		{"full", match.Options{MaxSpectators: 1, Audience: &servertest.Audience{}}, match.ErrSpectatorsFull},
		{"off", match.Options{MaxSpectators: -1, Audience: &servertest.Audience{}}, match.ErrNoSpectators},
		{"no audience", match.Options{}, match.ErrNoSpectators},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := servertest.StartMatch(t, &recordingRules{}, &tc.opts)
			if tc.want == match.ErrSpectatorsFull {
				if _, err := m.Spectate(); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := m.Spectate(); !errors.Is(err, tc.want) {
				t.Fatalf("Spectate = %v, want %v", err, tc.want)
			}
		})
	}
}

// TestEmptyMatchClosesItsSpectators: a match whose players all left ends
// after a while; its spectators are closed, not left hanging, once they
// have seen its last delay.
func TestEmptyMatchClosesItsSpectators(t *testing.T) {
	m := servertest.StartMatch(t, &recordingRules{}, &match.Options{Audience: &servertest.Audience{}})
	sp, err := m.Spectate()
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); sp.Closed() == nil; {
		if time.Now().After(deadline) {
			t.Fatal("the empty match did not end, or did not close its spectator")
		}
		m.Clock.Advance(m.Period * 10)
		time.Sleep(time.Millisecond)
	}
	<-m.Done()
	if c := sp.Closed(); c.Code != protocol.CloseNormal {
		t.Fatalf("spectator closed with %v; want 1000 when the match ended", c)
	}
}
