package matchmaking

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"
)

func explainInput() PassInput {
	a := tk("a", 1500, sec(1), 1)
	b := tk("b", 1520, sec(2), 1, rl("us", 20))
	c := tk("c", 1700, sec(3), 1)
	d := tk("d", 1480, sec(4), 4)
	e := tk("e", 1510, 0, 1)
	f := tk("f", 1495, sec(5), 1)
	far := tk("far", 3000, sec(6), 1)
	bad := tk("bad", math.NaN(), sec(7), 1)
	return PassInput{
		Now: t0, Mode: ffa(4), Tickets: sortedPool(a, b, c, d, e, f, far, bad),
		Backfill: []BackfillSlot{{MatchID: "run", HostID: "h", Region: "eu", OpenSeats: 1, MeanSkill: 1495}},
	}
}

func TestExplainWaiting(t *testing.T) {
	ex := Explain(explainInput(), "a")
	if ex.Outcome != OutcomeWaiting || ex.Pool != "m" || ex.Position != 5 || ex.Tickets != 7 || ex.Needed != 4 {
		t.Fatalf("explanation %+v", ex)
	}
	if ex.Window != 120 || ex.MaxWindow != 500 || ex.Waited != time.Second {
		t.Fatalf("window %g/%g waited %s", ex.Window, ex.MaxWindow, ex.Waited)
	}
	if len(ex.Regions) != 1 || !ex.Regions[0].Eligible || ex.Regions[0].InReach != 2 {
		t.Fatalf("regions %+v", ex.Regions)
	}
	if !strings.Contains(ex.Reason, "at most 2 of the 4") {
		t.Fatalf("reason %q", ex.Reason)
	}
	want := []struct {
		id     TicketID
		reason string
	}{
		{"f", CandidateTaken},       // 5 points away, backfilled into "run"
		{"e", CandidateCompatible},  // 10
		{"d", CandidatePartyTooBig}, // 20, a party of 4 (older than b)
		{"b", CandidateNoRegion},    // 20, plays in us
		{"c", CandidateSkill},       // 200
	}
	if len(ex.Candidates) != len(want) {
		t.Fatalf("candidates %+v", ex.Candidates)
	}
	for i, w := range want {
		c := ex.Candidates[i]
		if c.TicketID != w.id || c.Reason != w.reason || c.Detail == "" {
			t.Errorf("candidate %d: %+v, want %s %s", i, c, w.id, w.reason)
		}
	}
	b, err := json.Marshal(ex)
	must(t, err)
	for _, s := range []string{`"outcome":"waiting"`, `"reason":"skill_outside_window"`, `"in_reach":2`, `"window":120`} {
		if !strings.Contains(string(b), s) {
			t.Errorf("json lacks %s: %s", s, b)
		}
	}
}

func TestExplainOutcomes(t *testing.T) {
	in := explainInput()
	tests := []struct {
		id      TicketID
		outcome string
		check   func(t *testing.T, ex Explanation)
	}{
		{"d", OutcomeMatched, func(t *testing.T, ex Explanation) {
			if ex.Match == nil || ex.Match.Players != 4 || len(ex.Match.Tickets) != 1 {
				t.Errorf("match %+v", ex.Match)
			}
		}},
		{"f", OutcomeBackfilled, func(t *testing.T, ex Explanation) {
			if ex.Backfill == nil || ex.Backfill.MatchID != "run" || !strings.Contains(ex.Reason, "run") {
				t.Errorf("backfill %+v, reason %q", ex.Backfill, ex.Reason)
			}
		}},
		{"bad", OutcomeRejected, func(t *testing.T, ex Explanation) {
			if !strings.Contains(ex.Reason, "NaN") {
				t.Errorf("reason %q", ex.Reason)
			}
		}},
		{"nope", OutcomeNotFound, nil},
	}
	for _, tt := range tests {
		ex := Explain(in, tt.id)
		if ex.Outcome != tt.outcome {
			t.Errorf("%s: outcome %s, want %s (%s)", tt.id, ex.Outcome, tt.outcome, ex.Reason)
			continue
		}
		if tt.check != nil {
			tt.check(t, ex)
		}
		if _, err := json.Marshal(ex); err != nil {
			t.Error(err)
		}
	}
	in.Now = t0.Add(2 * time.Minute)
	if ex := Explain(in, "a"); ex.Outcome != OutcomeTimedOut || !strings.Contains(ex.Reason, "time-out") {
		t.Errorf("timed out: %+v", ex)
	}
}

// Explain agrees with Pass on every ticket of a random pool.
func TestExplainAgreesWithPass(t *testing.T) {
	in := PassInput{Now: benchNow, Mode: benchMode(), Tickets: genPool(3, 400, benchNow)}
	out := Pass(in)
	outcome := map[TicketID]string{}
	for _, m := range out.Matches {
		for _, mt := range m.Tickets {
			outcome[mt.ID] = OutcomeMatched
		}
	}
	for i := 0; i < len(in.Tickets); i += 7 {
		id := in.Tickets[i].ID
		want := outcome[id]
		if want == "" {
			want = OutcomeWaiting
		}
		if ex := Explain(in, id); ex.Outcome != want {
			t.Fatalf("%s: explain says %s, pass %s", id, ex.Outcome, want)
		}
	}
}
