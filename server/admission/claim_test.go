package admission_test

import (
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/matchmaking"
	"github.com/skirmishgg/skirmish/server/registry"
)

// TestUnclaimedSeatIsReleasedAfterTheClaimWindow: a seat reserved for an
// assignment whose player never comes is released after the claim window,
// long before the token expires, and the host reports it open again (for
// backfill); a seat claimed in time stays. Fake clock.
func TestUnclaimedSeatIsReleasedAfterTheClaimWindow(t *testing.T) {
	h := newHost(t)
	expires := h.clock.Now().Add(time.Minute) // the claim window is 15 s
	a := matchmaking.MatchAssignment{MatchID: "m", Mode: "ffa", ExpiresAt: expires}
	var tokens []string
	for _, p := range []string{"comes", "never"} {
		tok, c, err := h.signer.Issue(p, a.MatchID, "host", expires)
		if err != nil {
			t.Fatal(err)
		}
		a.Players = append(a.Players, matchmaking.AssignedPlayer{PlayerID: p, Nonce: c.Nonce})
		tokens = append(tokens, tok)
	}
	h.expect(a)
	if _, _, errs := h.admitAll(tokens[:1]); errs[0] != nil {
		t.Fatal(errs[0])
	}
	openSeats := func() int {
		rep := h.reg.Report(matchmaking.Host{ID: "host", URL: "ws://host/ws", Capacity: 64})
		for _, m := range rep.Matches {
			if m.ID == "m" {
				return m.OpenSeats
			}
		}
		return -1
	}
	m := h.reg.Find("m")
	tests := []struct {
		at       time.Duration // since the assignment
		reserved int
		open     int
	}{
		{at: 14 * time.Second, reserved: 1, open: 14},
		{at: registry.DefaultClaimWindow + 1500*time.Millisecond, reserved: 0, open: 15},
	}
	start := h.clock.Now()
	for _, tc := range tests {
		h.advance(int(start.Add(tc.at).Sub(h.clock.Now()) / h.period))
		if got := m.Seats(); got.Reserved != tc.reserved || got.Claimed != 1 {
			t.Fatalf("at %v: seats %+v, want %d reserved and the claimed one", tc.at, got, tc.reserved)
		}
		if got := openSeats(); got != tc.open {
			t.Fatalf("at %v: the host reports %d open seats, want %d", tc.at, got, tc.open)
		}
	}
	// The late player's token never took a seat: it takes a free one.
	if _, _, errs := h.admitAll(tokens[1:]); errs[0] != nil {
		t.Fatalf("late player with a fresh token: %v", errs[0])
	}
}
