package matchmaking

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestPlayerExplanationNamesNoOtherPlayer: whatever the operator's
// explanation holds about other tickets, the player's has counts only.
func TestPlayerExplanationNamesNoOtherPlayer(t *testing.T) {
	others := []Candidate{
		{TicketID: "t_other_compatible", Skill: 1777, Players: 2, Reason: CandidateCompatible, Detail: "could play together"},
		{TicketID: "t_other_far", Skill: 2999, Players: 1, Reason: CandidateSkill, Detail: "rating gap 1499 is wider"},
	}
	tests := []struct {
		name                string
		ex                  Explanation
		inWindow, elsewhere int
		reason              string
	}{
		{"waiting", Explanation{Outcome: OutcomeWaiting, Reason: "waiting: at most 3 of the 4 players needed fit", Candidates: others},
			2, 1, "waiting: at most 3 of the 4 players needed fit"},
		{"matched", Explanation{Outcome: OutcomeMatched, Reason: "matched in eu with 4 players (skills 1500 to 2999, window 100)",
			Match: &ProposedMatch{Region: "eu", Players: 4, Tickets: []MatchedTicket{{ID: "t_other_compatible"}}, SkillMin: 1500, SkillMax: 2999}, Candidates: others},
			2, 1, "matched: a new match of 4 players is being made"},
		{"backfilled", Explanation{Outcome: OutcomeBackfilled, Reason: "fills open seats of running match m_secret",
			Backfill: &BackfillAssignment{MatchID: "m_secret"}}, 0, 0, "matched: open seats of a running match"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.ex.TicketID, tc.ex.Waited = "t_mine", time.Second
			pe := tc.ex.ForPlayer()
			b, err := json.Marshal(pe)
			if err != nil {
				t.Fatal(err)
			}
			for _, secret := range []string{"t_other", "1777", "2999", "m_secret"} {
				if strings.Contains(string(b), secret) {
					t.Errorf("the player's explanation shows %q: %s", secret, b)
				}
			}
			if pe.InWindow != tc.inWindow || pe.Elsewhere != tc.elsewhere || pe.Reason != tc.reason {
				t.Errorf("got in_window %d, elsewhere %d, reason %q; want %d, %d, %q", pe.InWindow, pe.Elsewhere, pe.Reason, tc.inWindow, tc.elsewhere, tc.reason)
			}
		})
	}
}
