package match_test

import (
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/match"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// housekeep moves the fake clock past the loop's once-a-second
// housekeeping, a period at a time.
func housekeep(m *servertest.Match, d time.Duration) {
	m.Advance(int(d/m.Period) + 1)
}

func TestSeatLifecycle(t *testing.T) {
	rules := &recordingRules{}
	m := servertest.StartMatch(t, rules, &match.Options{ResumeGrace: 3 * time.Second})

	// reserved → claimed
	p, peer := m.Join("alice", "alice")
	if got := m.Seats(); got != (match.SeatCounts{Claimed: 1}) {
		t.Fatalf("after join: %+v", got)
	}
	// claimed → held after a drop; the player stays in the world.
	m.Leave(p, true)
	if got := m.Seats(); got != (match.SeatCounts{Held: 1}) {
		t.Fatalf("after drop: %+v", got)
	}
	if !peer.Detached() {
		t.Error("the dropped player's peer was not let go")
	}
	// held → claimed: same player.
	back, _, err := m.TryJoin(match.JoinRequest{Key: "alice", ResumeToken: "alice"})
	if err != nil || back.ID() != p.ID() {
		t.Fatalf("resume: player %v, err %v; want player %d", back, err, p.ID())
	}
	// claimed → claimed by a newer connection: the older one is told.
	newer, _, err := m.TryJoin(match.JoinRequest{Key: "alice", ResumeToken: "alice"})
	if err != nil || newer.ID() != p.ID() {
		t.Fatalf("take over: %v, %v", newer, err)
	}
	if got := m.Seats(); got != (match.SeatCounts{Claimed: 1}) {
		t.Fatalf("after take-over: %+v", got)
	}
	// The older connection's leave, arriving late, changes nothing.
	m.Leave(back, true)
	if got := m.Seats(); got != (match.SeatCounts{Claimed: 1}) {
		t.Fatalf("after the replaced connection left: %+v", got)
	}
	// held → released when the grace period ends.
	m.Leave(newer, true)
	housekeep(m, 4*time.Second)
	if got := m.Seats(); got != (match.SeatCounts{}) {
		t.Fatalf("after the grace period: %+v", got)
	}
	if _, _, err := m.TryJoin(match.JoinRequest{Key: "alice", ResumeToken: "alice"}); !errors.Is(err, match.ErrUnknownSeat) {
		t.Fatalf("resume after the grace period: %v, want ErrUnknownSeat", err)
	}
}

func TestSeatTakenOverClosesTheOlderConnection(t *testing.T) {
	m := servertest.StartMatch(t, &recordingRules{}, nil)
	_, old := m.Join("k", "bob")
	if _, _, err := m.TryJoin(match.JoinRequest{Key: "k"}); err != nil {
		t.Fatal(err)
	}
	if c := old.Closed(); c == nil || c.Code != protocol.CloseReplaced {
		t.Fatalf("older connection closed with %+v, want 4006", c)
	}
}

func TestTokenSeats(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := servertest.StartMatch(t, &recordingRules{}, &match.Options{ResumeGrace: time.Second, Metrics: match.NewMetrics(reg)})
	m.Join("anchor", "keeps the match from ending empty")
	now := m.Clock.Now()
	expires := now.Add(10 * time.Second)
	tests := []struct {
		name string
		req  match.JoinRequest
		want error
	}{
		{"a reservation lapsed and the token expired", match.JoinRequest{Key: "late", ReserveIfNone: true}, match.ErrKeyExpired},
		{"no reservation, fresh token: backfilled", match.JoinRequest{Key: "late", Fresh: true, ReserveIfNone: true, SpentUntil: expires}, nil},
		{"an unknown key without a token", match.JoinRequest{Key: "nobody", Fresh: true}, match.ErrUnknownSeat},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := m.TryJoin(tc.req)
			if !errors.Is(err, tc.want) {
				t.Fatalf("join: %v, want %v", err, tc.want)
			}
		})
	}

	// A reservation nobody claims is released at its deadline.
	if err := m.Reserve("ghost", now.Add(2*time.Second), expires); err != nil {
		t.Fatal(err)
	}
	// A reserved seat refuses an expired token.
	if _, _, err := m.TryJoin(match.JoinRequest{Key: "ghost"}); !errors.Is(err, match.ErrKeyExpired) {
		t.Fatalf("claim with an expired token: %v", err)
	}
	housekeep(m, 3*time.Second)
	if got := m.Seats().Reserved; got != 0 {
		t.Fatalf("%d reservations after their deadline, want 0", got)
	}

	// A token seat left for good stays spent until its token expires,
	// then is forgotten.
	m.Match.Leave(mustPlayer(t, m, "late"), false)
	m.Advance(1)
	if _, _, err := m.TryJoin(match.JoinRequest{Key: "late", Fresh: true, ReserveIfNone: true, SpentUntil: expires}); !errors.Is(err, match.ErrSeatSpent) {
		t.Fatalf("reuse after leaving: %v, want ErrSeatSpent", err)
	}
	// The ghost's reservation lapsed unused: its token is not spent.
	if got := m.Seats(); got.Spent != 1 || got.Taken() != 1 {
		t.Fatalf("seats %+v, want one spent key (late's, not the ghost's) and the anchor's seat", got)
	}
	housekeep(m, 11*time.Second)
	if got := m.Seats(); got != (match.SeatCounts{Claimed: 1}) {
		t.Fatalf("seats %+v after the tokens expired, want none", got)
	}

	// "late" claimed its token's seat (taking it over again is no second
	// claim); "ghost" never came. The anchor came without a token.
	for _, tc := range []struct {
		name string
		want float64
	}{{"skirmish_join_tokens_claimed_total", 1}, {"skirmish_join_tokens_expired_total", 1}} {
		if got := servertest.Metric(t, reg, tc.name); got != tc.want {
			t.Errorf("%s = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// mustPlayer returns the connected player of key's seat, by taking it
// over with a new connection.
func mustPlayer(t *testing.T, m *servertest.Match, key string) *match.Player {
	t.Helper()
	p, _, err := m.TryJoin(match.JoinRequest{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestMatchFullAndEnded(t *testing.T) {
	m := servertest.StartMatch(t, &recordingRules{}, nil) // 4 seats
	for _, k := range []string{"a", "b", "c", "d"} {
		if err := m.Reserve(k, m.Clock.Now().Add(time.Minute), time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Reserve("e", m.Clock.Now().Add(time.Minute), time.Time{}); !errors.Is(err, match.ErrFull) {
		t.Fatalf("fifth reservation: %v, want ErrFull", err)
	}
	m.Stop(protocol.CloseGoingAway, "bye")
	<-m.Done()
	if err := m.Reserve("f", m.Clock.Now().Add(time.Minute), time.Time{}); !errors.Is(err, match.ErrEnded) {
		t.Fatalf("reservation after the end: %v, want ErrEnded", err)
	}
	if got := m.Seats(); got.Taken() != 0 {
		t.Fatalf("an ended match keeps %+v", got)
	}
}

// A Join on a match whose loop has ended returns ErrEnded at once, never
// waits for an answer nobody will send.
func TestJoinOnAnEndedMatch(t *testing.T) {
	m := servertest.StartMatch(t, &recordingRules{}, nil)
	m.Stop(protocol.CloseGoingAway, "bye")
	<-m.Done()
	for i := range 20 {
		res := make(chan error, 1)
		go func() {
			_, err := m.Match.Join(match.JoinRequest{Key: "k", Fresh: true, Peer: &servertest.Peer{}})
			res <- err
		}()
		select {
		case err := <-res:
			if !errors.Is(err, match.ErrEnded) {
				t.Fatalf("join %d: %v, want ErrEnded", i, err)
			}
		case <-time.After(2 * time.Second):
			t.Fatalf("join %d on an ended match hangs", i)
		}
	}
}

// A connection that ends while its join is on the way may still be
// seated; Join then returns the player (the transport leaves as a drop),
// so no seat is ever left claimed by nobody.
func TestJoinOfAConnectionThatEndsLeavesNoSeat(t *testing.T) {
	m := servertest.StartMatch(t, &recordingRules{}, &match.Options{ResumeGrace: time.Second})
	m.Join("anchor", "keeps the match from ending empty")
	if err := m.Reserve("k", m.Clock.Now().Add(time.Minute), time.Time{}); err != nil {
		t.Fatal(err)
	}
	cancel := make(chan struct{})
	type answer struct {
		p   *match.Player
		err error
	}
	res := make(chan answer, 1)
	go func() {
		p, err := m.Match.Join(match.JoinRequest{Key: "k", Fresh: true, Peer: &servertest.Peer{}, Cancel: cancel})
		res <- answer{p, err}
	}()
	time.Sleep(20 * time.Millisecond) // the request is with the loop
	close(cancel)
	var a answer
	for done := false; !done; {
		m.Advance(1)
		select {
		case a = <-res:
			done = true
		default:
		}
	}
	if a.p != nil {
		m.Leave(a.p, true)
	} else if !errors.Is(a.err, match.ErrGone) {
		t.Fatalf("join: %v, want a player or ErrGone", a.err)
	}
	housekeep(m, 3*time.Second)
	if got := m.Seats(); got != (match.SeatCounts{Claimed: 1}) {
		t.Fatalf("seats %+v, want only the anchor's", got)
	}
}

// A player closed for abuse never keeps its seat, even when the match
// finds it lagging before its Leave arrives; resuming it is refused.
func TestForfeitedPlayerKeepsNoSeat(t *testing.T) {
	m := servertest.StartMatch(t, &recordingRules{}, &match.Options{AckTimeout: time.Second})
	m.Join("anchor", "keeps the match from ending empty")
	p, peer := m.Join("k", "abuser")
	p.Forfeit()
	peer.SetLagging(true)
	housekeep(m, 2*time.Second)
	if got := m.Seats(); got.Held != 0 || got.Claimed != 1 {
		t.Fatalf("seats %+v, want the abuser's seat freed", got)
	}
	if _, _, err := m.TryJoin(match.JoinRequest{Key: "k"}); !errors.Is(err, match.ErrUnknownSeat) {
		t.Fatalf("resume of the forfeited seat: %v, want ErrUnknownSeat", err)
	}
}

// A token's seat still waiting for its player when the match ends counts
// as expired: the player never came.
func TestTokenSeatsAtTheEnd(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := servertest.StartMatch(t, &recordingRules{}, &match.Options{Metrics: match.NewMetrics(reg)})
	now := m.Clock.Now()
	if err := m.Reserve("on-its-way", now.Add(time.Minute), now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := m.Reserve("direct", now.Add(time.Minute), time.Time{}); err != nil {
		t.Fatal(err)
	}
	m.Stop(protocol.CloseGoingAway, "test over")
	<-m.Done()
	if got := servertest.Metric(t, reg, "skirmish_join_tokens_expired_total"); got != 1 {
		t.Errorf("skirmish_join_tokens_expired_total = %v after the match ended, want 1 (the token's seat, not the direct one)", got)
	}
	if got := servertest.Metric(t, reg, "skirmish_join_tokens_claimed_total"); got != 0 {
		t.Errorf("skirmish_join_tokens_claimed_total = %v, want 0", got)
	}
}
