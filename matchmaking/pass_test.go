package matchmaking

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func ffa(n int) ModeConfig { return ModeConfig{Name: "m", MaxPlayers: n} }

func TestPassTable(t *testing.T) {
	teams := func(max, teams int) ModeConfig { return ModeConfig{Name: "m", MaxPlayers: max, Teams: teams} }
	tests := []struct {
		name     string
		mode     ModeConfig
		tickets  []Ticket
		backfill []BackfillSlot
		now      time.Time // zero: t0

		matches   [][]string // ticket IDs per match, sorted
		backfills []string   // in order
		timedOut  []string
		rejected  []string
		check     func(t *testing.T, out PassOutput)
	}{
		{
			name:    "full free-for-all matches of 4",
			mode:    ffa(4),
			tickets: []Ticket{tk("a", 1500, sec(9), 1), tk("b", 1500, sec(8), 1), tk("c", 1500, sec(7), 1), tk("d", 1500, sec(6), 1), tk("e", 1500, sec(5), 1), tk("f", 1500, sec(4), 1), tk("g", 1500, sec(3), 1), tk("h", 1500, sec(2), 1), tk("i", 1500, sec(1), 1)},
			matches: [][]string{{"a", "b", "c", "d"}, {"e", "f", "g", "h"}},
		},
		{
			name:    "too few players: no match before the full-match wait",
			mode:    ModeConfig{Name: "m", MaxPlayers: 4, MinPlayers: 2},
			tickets: []Ticket{tk("a", 1500, sec(9), 1), tk("b", 1500, sec(8), 1), tk("c", 1500, sec(7), 1)},
		},
		{
			name:    "short match with MinPlayers after the full-match wait",
			mode:    ModeConfig{Name: "m", MaxPlayers: 4, MinPlayers: 2},
			tickets: []Ticket{tk("a", 1500, sec(11), 1), tk("b", 1500, sec(8), 1), tk("c", 1500, sec(7), 1)},
			matches: [][]string{{"a", "b", "c"}},
			check: func(t *testing.T, out PassOutput) {
				if m := out.Matches[0]; m.Full || m.Players != 3 {
					t.Errorf("match full=%v players=%d, want short of 3", m.Full, m.Players)
				}
			},
		},
		{
			name:    "parties fill exactly and are never split",
			mode:    ffa(5),
			tickets: []Ticket{tk("a", 1500, sec(9), 3), tk("b", 1500, sec(8), 3), tk("c", 1500, sec(7), 2)},
			matches: [][]string{{"a", "c"}},
		},
		{
			name:    "2v2: a party of two and two solos",
			mode:    teams(4, 2),
			tickets: []Ticket{tk("a", 1500, sec(9), 1), tk("b", 1500, sec(8), 2), tk("c", 1500, sec(7), 1)},
			matches: [][]string{{"a", "b", "c"}},
			check: func(t *testing.T, out PassOutput) {
				team := map[TicketID]int{}
				for _, mt := range out.Matches[0].Tickets {
					team[mt.ID] = mt.Team
				}
				if team["a"] != team["c"] || team["a"] == team["b"] {
					t.Errorf("teams %v: want the solos together against the party", team)
				}
			},
		},
		{
			name:    "3v3: parties of 2,2,1,1 make teams of 2+1",
			mode:    teams(6, 2),
			tickets: []Ticket{tk("a", 1500, sec(9), 2), tk("b", 1500, sec(8), 2), tk("c", 1500, sec(7), 1), tk("d", 1500, sec(6), 1)},
			matches: [][]string{{"a", "b", "c", "d"}},
			check: func(t *testing.T, out PassOutput) {
				sizes := map[int]int{}
				for _, mt := range out.Matches[0].Tickets {
					sizes[mt.Team] += mt.Players
				}
				if sizes[0] != 3 || sizes[1] != 3 {
					t.Errorf("team sizes %v, want 3 and 3", sizes)
				}
			},
		},
		{
			name:     "a party larger than a team is rejected",
			mode:     teams(4, 2),
			tickets:  []Ticket{tk("a", 1500, sec(9), 3), tk("b", 1500, sec(8), 1)},
			rejected: []string{"a"},
		},
		{
			name:    "skill outside a fresh window: no match",
			mode:    ffa(2),
			tickets: []Ticket{tk("a", 1500, 0, 1), tk("b", 1650, 0, 1)},
		},
		{
			name:    "the window widens with the wait (100 + 20/s: 150 after 2.5s)",
			mode:    ffa(2),
			tickets: []Ticket{tk("a", 1500, sec(2.5), 1), tk("b", 1650, 0, 1)},
			matches: [][]string{{"a", "b"}},
		},
		{
			name:    "the widening stops at the cap",
			mode:    ModeConfig{Name: "m", MaxPlayers: 2, MaxSkillWindow: 120, TicketTimeout: time.Hour},
			tickets: []Ticket{tk("a", 1500, sec(600), 1), tk("b", 1650, sec(600), 1)},
		},
		{
			name: "closest skill does not beat age within the window",
			mode: ffa(3),
			tickets: []Ticket{
				tk("a", 1500, sec(9), 1), tk("b", 1590, sec(8), 1), tk("c", 1450, sec(7), 1), tk("d", 1500, sec(1), 1),
			},
			// a anchors (window 280); b and c are older than d, and within
			// a window-wide band: 1450..1590 spans 140.
			matches: [][]string{{"a", "b", "c"}},
		},
		{
			name: "the spread of a match stays within the anchor's window",
			mode: ffa(3),
			tickets: []Ticket{
				tk("a", 1500, 0, 1), tk("b", 1590, 0, 1), tk("c", 1410, 0, 1), tk("d", 1450, 0, 1),
			},
			// window 100: a+b (spread 90) leaves no room for c or d; the
			// next anchors do better: a, c, d span 90.
			matches: [][]string{{"a", "c", "d"}},
		},
		{
			name:    "no common region: no match",
			mode:    ffa(2),
			tickets: []Ticket{tk("a", 1500, sec(5), 1, rl("eu", 20), rl("us", 200)), tk("b", 1500, sec(4), 1, rl("us", 20))},
		},
		{
			name:    "a ticket with no region under MaxRTT plays in its best one",
			mode:    ffa(2),
			tickets: []Ticket{tk("a", 1500, sec(5), 1, rl("eu", 180), rl("us", 170)), tk("b", 1500, sec(4), 1, rl("us", 20))},
			matches: [][]string{{"a", "b"}},
			check: func(t *testing.T, out PassOutput) {
				if out.Matches[0].Region != "us" {
					t.Errorf("region %s, want us", out.Matches[0].Region)
				}
			},
		},
		{
			name: "the anchor's lowest-latency region first",
			mode: ffa(2),
			tickets: []Ticket{
				tk("a", 1500, sec(5), 1, rl("us", 60), rl("eu", 30)),
				tk("b", 1500, sec(4), 1, rl("us", 20), rl("eu", 40)),
			},
			matches: [][]string{{"a", "b"}},
			check: func(t *testing.T, out PassOutput) {
				if out.Matches[0].Region != "eu" {
					t.Errorf("region %s, want eu", out.Matches[0].Region)
				}
			},
		},
		{
			name: "backfill first, oldest tickets first",
			mode: ffa(4),
			tickets: []Ticket{
				tk("a", 1500, sec(9), 1), tk("b", 1500, sec(8), 1), tk("c", 1500, sec(7), 1),
				tk("d", 1500, sec(6), 1), tk("e", 1500, sec(5), 1), tk("f", 1500, sec(4), 1),
			},
			backfill:  []BackfillSlot{{MatchID: "run1", HostID: "h", Region: "eu", OpenSeats: 2, MeanSkill: 1500}},
			backfills: []string{"a", "b"},
			matches:   [][]string{{"c", "d", "e", "f"}},
		},
		{
			name: "backfill: oldest slot first; skill and region must fit",
			mode: ffa(4),
			tickets: []Ticket{
				tk("a", 2000, sec(1), 1), tk("b", 1500, sec(1), 1, rl("us", 20)), tk("c", 1500, 0, 1),
			},
			backfill: []BackfillSlot{
				{MatchID: "young", Region: "eu", OpenSeats: 1, MeanSkill: 1500, OpenSince: t0},
				{MatchID: "old", Region: "eu", OpenSeats: 1, MeanSkill: 1500, OpenSince: t0.Add(-time.Minute)},
			},
			backfills: []string{"c"},
			check: func(t *testing.T, out PassOutput) {
				if out.Backfills[0].MatchID != "old" {
					t.Errorf("filled %s, want the oldest slot", out.Backfills[0].MatchID)
				}
			},
		},
		{
			name:      "team backfill takes the team with the open seat",
			mode:      teams(4, 2),
			tickets:   []Ticket{tk("a", 1500, sec(1), 1)},
			backfill:  []BackfillSlot{{MatchID: "r", Region: "eu", OpenSeats: 1, TeamOpen: []int{0, 1}, MeanSkill: 1500}},
			backfills: []string{"a"},
			check: func(t *testing.T, out PassOutput) {
				if out.Backfills[0].Team != 1 {
					t.Errorf("team %d, want 1", out.Backfills[0].Team)
				}
			},
		},
		{
			name:     "a party does not fit a single open seat",
			mode:     teams(4, 2),
			tickets:  []Ticket{tk("a", 1500, sec(1), 2)},
			backfill: []BackfillSlot{{MatchID: "r", Region: "eu", OpenSeats: 2, TeamOpen: []int{1, 1}, MeanSkill: 1500}},
		},
		{
			name:     "time-out with its reason",
			mode:     ffa(2),
			tickets:  []Ticket{tk("a", 1500, 2*time.Minute, 1), tk("b", 1500, sec(1), 1)},
			timedOut: []string{"a"},
			check: func(t *testing.T, out PassOutput) {
				if r := out.TimedOut[0].Reason; !strings.Contains(r, "time-out") || !strings.Contains(r, "2m0s") {
					t.Errorf("reason %q", r)
				}
			},
		},
		{
			name: "unmatchable tickets are rejected with a reason",
			mode: ffa(2),
			tickets: func() []Ticket {
				a, b, c, d := tk("a", math.NaN(), 0, 1), tk("b", 1500, 0, 1), tk("c", 1500, 0, 1), tk("d", 1500, 0, 1)
				b.Mode = "other"
				c.Regions = nil
				d.Players = nil
				return []Ticket{a, b, c, d}
			}(),
			rejected: []string{"a", "b", "c", "d"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := tt.now
			if now.IsZero() {
				now = t0
			}
			in := PassInput{Now: now, Mode: tt.mode, Tickets: sortedPool(tt.tickets...), Backfill: tt.backfill}
			out := Pass(in)
			if got := matchIDs(out); !reflect.DeepEqual(got, tt.matches) {
				t.Errorf("matches %v, want %v", got, tt.matches)
			}
			if got := backfillIDs(out); !reflect.DeepEqual(got, tt.backfills) {
				t.Errorf("backfills %v, want %v", got, tt.backfills)
			}
			var to, rj []string
			for _, x := range out.TimedOut {
				to = append(to, string(x.ID))
			}
			for _, x := range out.Rejected {
				rj = append(rj, string(x.ID))
				if x.Reason == "" {
					t.Errorf("rejected %s without a reason", x.ID)
				}
			}
			if !reflect.DeepEqual(to, tt.timedOut) {
				t.Errorf("timed out %v, want %v", to, tt.timedOut)
			}
			if !reflect.DeepEqual(rj, tt.rejected) {
				t.Errorf("rejected %v, want %v", rj, tt.rejected)
			}
			checkInvariants(t, in, out)
			if tt.check != nil && !t.Failed() {
				tt.check(t, out)
			}
		})
	}
}

// TestPassDeterministic: same input, same output; input order does not
// matter.
func TestPassDeterministic(t *testing.T) {
	in := PassInput{Now: benchNow, Mode: benchMode(), Tickets: genPool(7, 3000, benchNow)}
	a, b := Pass(in), Pass(in)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two passes over the same input differ")
	}
	shuffled := slices.Clone(in.Tickets)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	c := Pass(PassInput{Now: in.Now, Mode: in.Mode, Tickets: shuffled})
	// Indexes refer to the input order; compare by ID.
	if !reflect.DeepEqual(matchIDs(a), matchIDs(c)) {
		t.Fatal("shuffling the input changed the matches")
	}
	if len(a.Matches) == 0 {
		t.Fatal("no matches")
	}
}

func TestPassOutputJSON(t *testing.T) {
	out := Pass(PassInput{Now: t0, Mode: ffa(2), Tickets: sortedPool(tk("a", 1500, 0, 1), tk("b", 1500, 0, 1))})
	b, err := json.Marshal(out)
	must(t, err)
	if !strings.Contains(string(b), `"matches":[{"region":"eu"`) {
		t.Errorf("json %s", b)
	}
}

func TestPassBadMode(t *testing.T) {
	out := Pass(PassInput{Now: t0, Mode: ModeConfig{Name: "m"}, Tickets: sortedPool(tk("a", 1500, 0, 1))})
	if len(out.Rejected) != 1 || !strings.Contains(out.Rejected[0].Reason, "max players") {
		t.Fatalf("rejected %+v", out.Rejected)
	}
}
