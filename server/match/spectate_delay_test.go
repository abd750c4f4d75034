package match_test

import (
	"slices"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/match"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// find returns the index in tl of the first message of type typ that
// match accepts, or -1.
func find(tl []servertest.Delivery, typ protocol.MsgType, match func(b []byte) bool) int {
	for i, d := range tl {
		if d.Msg == nil {
			continue
		}
		if t, _ := protocol.PeekType(d.Msg); t == typ && match(d.Msg) {
			return i
		}
	}
	return -1
}

func isJoinOf(id uint32) func([]byte) bool {
	return func(b []byte) bool {
		var j protocol.Join
		return j.Decode(b) == nil && j.Player == id
	}
}

func isLeaveOf(id uint32) func([]byte) bool {
	return func(b []byte) bool {
		var l protocol.Leave
		return l.Decode(b) == nil && l.Player == id
	}
}

func anyMsg([]byte) bool { return true }

// TestSpectatorsGetEverythingDelayed: every message a spectator gets, not
// only the views and events, runs the delay behind the live match, in
// order with the views: a join reaches it no earlier than the delay after
// it happened and right before the first view holding the new player; a
// leave after every view made before it; the match's end after the last
// delay of play, which is played out after the match ended. A spectator
// that comes in mid-match is told the roster as of what it will see.
func TestSpectatorsGetEverythingDelayed(t *testing.T) {
	const delay = 100 * time.Millisecond // 6 ticks at 60 Hz
	aud := &servertest.Audience{}
	m := servertest.StartMatch(t, &recordingRules{}, &match.Options{SnapshotRate: 30, SpectateDelay: delay, ResumeGrace: -1, Audience: aud})
	p1, _ := m.Join("k1", "p1")
	sp, err := m.Spectate()
	if err != nil {
		t.Fatal(err)
	}
	m.Advance(20)

	p2, peer2 := m.Join("k2", "p2")
	late, err := m.Spectate() // p2 joined under the delay ago: not in its roster yet
	if err != nil {
		t.Fatal(err)
	}
	m.Advance(10)
	m.Leave(p1, false)
	leaveTick := m.Tick() // the leave is taken at the start of this step
	m.Advance(11)
	m.Match.End("time", protocol.CloseNormal, "match over")
	// The match ends at once; its spectators keep watching the last
	// delay of it, then get the result and a close.
	servertest.WaitFor(t, "the match to end", func() bool {
		select {
		case <-m.Done():
			return true
		default:
			return false
		}
	})
	for deadline := time.Now().Add(10 * time.Second); sp.Closed() == nil || late.Closed() == nil; {
		if time.Now().After(deadline) {
			t.Fatalf("the spectators were not closed after the match ended: %v, %v", sp.Closed(), late.Closed())
		}
		m.Clock.Advance(m.Period)
		time.Sleep(time.Millisecond)
	}
	if c := sp.Closed(); c.Code != protocol.CloseNormal {
		t.Fatalf("spectator closed with %v, want 1000", c)
	}

	entities := map[uint32][]uint32{}
	for _, s := range aud.Shown() {
		entities[s.Tick] = s.Entities
	}
	live := peer2.Timeline()
	liveJoin := find(live, protocol.MsgJoin, isJoinOf(uint32(p2.ID())))
	liveLeave := find(live, protocol.MsgLeave, isLeaveOf(uint32(p1.ID())))
	liveEnd := find(live, protocol.MsgMatchEnd, anyMsg)
	if liveJoin < 0 || liveLeave < 0 || liveEnd < 0 {
		t.Fatalf("the player's timeline lacks its join, the leave or the end: %d %d %d", liveJoin, liveLeave, liveEnd)
	}
	var end protocol.MatchEnd
	if err := end.Decode(live[liveEnd].Msg); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name string
		peer *servertest.Peer
	}{{"from the start", sp}, {"joined late", late}} {
		t.Run(tc.name, func(t *testing.T) {
			tl := tc.peer.Timeline()
			var views []uint32
			for _, d := range tl {
				if d.Msg == nil {
					views = append(views, d.View)
				}
			}
			if len(views) < 10 || !slices.IsSorted(views) {
				t.Fatalf("views shown %v: want many, in order", views)
			}
			check := func(what string, i int, liveAt time.Time, before func(view uint32) bool) {
				t.Helper()
				if i < 0 {
					t.Fatalf("the spectator never got the %s", what)
				}
				// The delay in whole ticks, on the fake clock's period.
				if got, want := tl[i].At.Sub(liveAt), 6*m.Period; got < want {
					t.Errorf("the %s reached the spectator %v after it happened, want at least the delay %v", what, got, want)
				}
				for j, d := range tl {
					if d.Msg == nil && before(d.View) != (j < i) {
						t.Errorf("the view of tick %d came %s the %s", d.View, map[bool]string{true: "after", false: "before"}[j > i], what)
					}
				}
			}
			p2id := uint32(p2.ID())
			if tc.peer == late {
				// Its roster, right after Watching, is p1's only.
				var roster []uint32
				for _, d := range tl[1:] {
					var j protocol.Join
					if d.Msg == nil || j.Decode(d.Msg) != nil {
						break
					}
					roster = append(roster, j.Player)
				}
				if !slices.Equal(roster, []uint32{uint32(p1.ID())}) {
					t.Errorf("the late spectator's roster is %v, want only p1 (%d): p2 joined within the delay", roster, p1.ID())
				}
			}
			check("join of p2", find(tl, protocol.MsgJoin, isJoinOf(p2id)), live[liveJoin].At,
				func(view uint32) bool { return !slices.Contains(entities[view], p2id) })
			check("leave of p1", find(tl, protocol.MsgLeave, isLeaveOf(uint32(p1.ID()))), live[liveLeave].At,
				func(view uint32) bool { return view < leaveTick })
			i := find(tl, protocol.MsgMatchEnd, anyMsg)
			check("match end", i, live[liveEnd].At, func(view uint32) bool { return true })
			if last := views[len(views)-1]; last != end.Tick {
				t.Errorf("the last view shown is of tick %d, the match ended at %d: want its last delay played out", last, end.Tick)
			}
		})
	}
}
