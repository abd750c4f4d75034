package matchmaking

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"
)

// eligibleRegions recomputes, independently of the pass, where a ticket
// may play.
func eligibleRegions(mode ModeConfig, t *Ticket) []string {
	var out []string
	for _, r := range t.Regions {
		if r.RTT <= mode.MaxRTT {
			out = append(out, r.Region)
		}
	}
	if len(out) == 0 && len(t.Regions) > 0 {
		best := t.Regions[0]
		for _, r := range t.Regions[1:] {
			if r.RTT < best.RTT || (r.RTT == best.RTT && r.Region < best.Region) {
				best = r
			}
		}
		out = append(out, best.Region)
	}
	return out
}

// checkInvariants checks everything a pass promises about its output.
func checkInvariants(t *testing.T, in PassInput, out PassOutput) {
	t.Helper()
	mode := in.Mode.WithDefaults()
	if mode.Validate() != nil {
		return
	}
	const eps = 1e-9
	tickets := in.Tickets
	wait := func(i int) time.Duration { return max(in.Now.Sub(tickets[i].CreatedAt), 0) }
	window := func(i int) float64 { return mode.Window(wait(i)) }
	older := func(i, j int) bool { return olderThan(&tickets[i], &tickets[j]) < 0 }
	canPlay := func(i int, region string) bool {
		return region == "" || slices.Contains(eligibleRegions(mode, &tickets[i]), region)
	}

	// Every ticket in at most one outcome.
	where := map[int]string{}
	place := func(i int, what string) {
		if prev, ok := where[i]; ok {
			t.Errorf("ticket %s in %s and %s", tickets[i].ID, prev, what)
		}
		where[i] = what
	}
	inMatch := map[int]bool{}
	for mi, m := range out.Matches {
		for _, mt := range m.Tickets {
			place(mt.Index, fmt.Sprintf("match %d", mi))
			inMatch[mt.Index] = true
		}
	}
	for _, b := range out.Backfills {
		place(b.Index, "backfill "+b.MatchID)
	}
	for _, x := range out.TimedOut {
		place(x.Index, "timed out")
		if wait(x.Index) < mode.TicketTimeout {
			t.Errorf("ticket %s timed out after %s", x.ID, wait(x.Index))
		}
	}
	for _, x := range out.Rejected {
		place(x.Index, "rejected")
	}
	waiting := []int{}
	for i := range tickets {
		if _, ok := where[i]; !ok {
			waiting = append(waiting, i)
			if wait(i) >= mode.TicketTimeout {
				t.Errorf("ticket %s waited %s and did not time out", tickets[i].ID, wait(i))
			}
		}
	}
	if out.Waiting != len(waiting) {
		t.Errorf("Waiting %d, want %d", out.Waiting, len(waiting))
	}

	teams := mode.TeamCount()
	for mi, m := range out.Matches {
		players, perTeam := 0, make([]int, teams)
		lo, hi, widest := math.Inf(1), math.Inf(-1), 0.0
		anchor := m.Tickets[0].Index
		for _, mt := range m.Tickets {
			i := mt.Index
			tt := &tickets[i]
			if mt.ID != tt.ID || mt.Players != len(tt.Players) {
				t.Errorf("match %d: ticket %s does not match its index", mi, mt.ID)
			}
			players += len(tt.Players)
			if mt.Team < 0 || mt.Team >= teams {
				t.Errorf("match %d: team %d", mi, mt.Team)
			} else {
				perTeam[mt.Team] += len(tt.Players)
			}
			lo, hi, widest = min(lo, tt.Skill), max(hi, tt.Skill), max(widest, window(i))
			if !canPlay(i, m.Region) {
				t.Errorf("match %d in %s: ticket %s cannot play there (%v)", mi, m.Region, tt.ID, tt.Regions)
			}
		}
		if players != m.Players {
			t.Errorf("match %d: Players %d, counted %d", mi, m.Players, players)
		}
		switch {
		case players == mode.MaxPlayers:
			if !m.Full {
				t.Errorf("match %d full but not marked", mi)
			}
			for tm, n := range perTeam {
				if n != mode.TeamSize() {
					t.Errorf("match %d: full team %d has %d players, want %d", mi, tm, n, mode.TeamSize())
				}
			}
		case players < mode.MinPlayers || players > mode.MaxPlayers:
			t.Errorf("match %d: %d players outside %d..%d", mi, players, mode.MinPlayers, mode.MaxPlayers)
		default:
			if wait(anchor) < mode.FullMatchWait {
				t.Errorf("match %d short (%d) before the full-match wait", mi, players)
			}
			for tm, n := range perTeam {
				if n == 0 || n > mode.TeamSize() {
					t.Errorf("match %d: short team %d has %d players", mi, tm, n)
				}
			}
		}
		if hi-lo > m.Window+eps || m.Window > widest+eps || math.Abs(m.Window-window(anchor)) > eps {
			t.Errorf("match %d: spread %g, window %g (anchor's %g), widest %g", mi, hi-lo, m.Window, window(anchor), widest)
		}
		if lo != m.SkillMin || hi != m.SkillMax {
			t.Errorf("match %d: skill range %g..%g reported %g..%g", mi, lo, hi, m.SkillMin, m.SkillMax)
		}
		// Oldest first within the window: no waiting ticket older than a
		// picked one, no larger, in the region and in the final skill
		// band, was passed over.
		W := window(anchor)
		for _, mt := range m.Tickets[1:] {
			y := mt.Index
			for _, x := range waiting {
				if older(x, y) && len(tickets[x].Players) <= len(tickets[y].Players) && canPlay(x, m.Region) &&
					tickets[x].Skill >= hi-W-eps && tickets[x].Skill <= lo+W+eps {
					t.Errorf("match %d took %s over older %s", mi, tickets[y].ID, tickets[x].ID)
				}
			}
		}
	}

	// Backfills: fit the slot; oldest first; slots filled before new
	// matches.
	slotByID := map[string]*BackfillSlot{}
	used := map[string][]int{} // per slot: total, then per team
	for i := range in.Backfill {
		s := &in.Backfill[i]
		slotByID[s.MatchID] = s
		used[s.MatchID] = make([]int, 1+teams)
	}
	for _, b := range out.Backfills {
		s := slotByID[b.MatchID]
		i := b.Index
		tt := &tickets[i]
		if !canPlay(i, s.Region) {
			t.Errorf("backfill %s: ticket %s cannot play in %s", s.MatchID, tt.ID, s.Region)
		}
		if math.Abs(tt.Skill-s.MeanSkill) > window(i)+eps {
			t.Errorf("backfill %s: ticket %s skill %g, mean %g, window %g", s.MatchID, tt.ID, tt.Skill, s.MeanSkill, window(i))
		}
		u := used[s.MatchID]
		u[0] += len(tt.Players)
		if b.Team >= 0 {
			u[1+b.Team] += len(tt.Players)
		}
		for _, x := range waiting {
			if older(x, i) && len(tickets[x].Players) <= len(tt.Players) && canPlay(x, s.Region) &&
				math.Abs(tickets[x].Skill-s.MeanSkill) <= window(x) {
				t.Errorf("backfill %s took %s over older %s", s.MatchID, tt.ID, tickets[x].ID)
			}
		}
	}
	for id, s := range slotByID {
		u := used[id]
		left := s.OpenSeats - u[0]
		maxFree := left
		if len(s.TeamOpen) == teams && teams > 1 {
			maxFree, sum := 0, 0
			for tm, open := range s.TeamOpen {
				if u[1+tm] > open {
					t.Errorf("backfill %s: team %d over-filled", id, tm)
				}
				maxFree = max(maxFree, open-u[1+tm])
				sum += open
			}
			if s.OpenSeats <= 0 || sum < s.OpenSeats {
				left = sum - u[0]
			}
			maxFree = min(maxFree, left)
			if left < 0 {
				t.Errorf("backfill %s over-filled", id)
			}
			checkSlotClosed(t, in, mode, s, maxFree, waiting, inMatch, window, canPlay)
			continue
		}
		if left < 0 {
			t.Errorf("backfill %s over-filled", id)
		}
		checkSlotClosed(t, in, mode, s, maxFree, waiting, inMatch, window, canPlay)
	}
}

// checkSlotClosed: a slot with seats left after the pass fits no ticket
// that went to a new match or still waits.
func checkSlotClosed(t *testing.T, in PassInput, mode ModeConfig, s *BackfillSlot, maxFree int, waiting []int,
	inMatch map[int]bool, window func(int) float64, canPlay func(int, string) bool) {
	t.Helper()
	if maxFree <= 0 || math.IsNaN(s.MeanSkill) {
		return
	}
	check := func(i int) {
		tt := &in.Tickets[i]
		if len(tt.Players) <= maxFree && canPlay(i, s.Region) && math.Abs(tt.Skill-s.MeanSkill) <= window(i) {
			t.Errorf("slot %s kept %d seats while ticket %s fit it", s.MatchID, maxFree, tt.ID)
		}
	}
	for _, i := range waiting {
		check(i)
	}
	for i := range inMatch {
		check(i)
	}
}

// randomCase makes a random pool: a random mode, random parties, skills,
// regions and ages (some past the time-out), and random backfill slots.
func randomCase(rng *rand.Rand) PassInput {
	var mode ModeConfig
	switch rng.IntN(4) {
	case 0:
		mode = ModeConfig{MaxPlayers: 2 + rng.IntN(7)} // FFA 2..8
	case 1:
		teamSize := 1 + rng.IntN(5)
		mode = ModeConfig{MaxPlayers: 2 * teamSize, Teams: 2}
	case 2:
		mode = ModeConfig{MaxPlayers: 9, Teams: 3}
	default:
		mode = ModeConfig{MaxPlayers: 4 + rng.IntN(13)} // FFA up to 16
	}
	mode.Name = "m"
	if rng.IntN(2) == 0 {
		lo := max(mode.TeamCount(), 1)
		mode.MinPlayers = lo + rng.IntN(mode.MaxPlayers-lo+1)
	}
	mode.SkillWindow = 20 + rng.Float64()*200
	mode.WidenPerSecond = rng.Float64() * 30
	mode.MaxSkillWindow = mode.SkillWindow + rng.Float64()*600
	mode.TicketTimeout = time.Duration(30+rng.IntN(90)) * time.Second
	mode.FullMatchWait = time.Duration(rng.IntN(20)) * time.Second
	mode.MaxRTT = time.Duration(50+rng.IntN(150)) * time.Millisecond
	maxParty := mode.WithDefaults().MaxParty()

	regions := []string{"eu", "us", "ap"}
	n := rng.IntN(400)
	now := t0
	ts := make([]Ticket, n)
	for i := range ts {
		size := 1
		if rng.IntN(3) == 0 {
			size = 1 + rng.IntN(maxParty+1) // sometimes one too many: rejected
		}
		players := make([]Player, size)
		for j := range players {
			players[j] = Player{ID: fmt.Sprintf("p%d-%d", i, j)}
		}
		var rls []RegionLatency
		for _, r := range regions {
			if rng.IntN(2) == 0 || r == "eu" && rng.IntN(2) == 0 {
				rls = append(rls, RegionLatency{Region: r, RTT: time.Duration(5+rng.IntN(250)) * time.Millisecond})
			}
		}
		if len(rls) == 0 {
			rls = []RegionLatency{{Region: regions[rng.IntN(3)], RTT: time.Duration(rng.IntN(300)) * time.Millisecond}}
		}
		skill := 1500 + 200*rng.NormFloat64()
		if rng.IntN(200) == 0 {
			skill = math.Inf(1)
		}
		age := time.Duration(rng.Int64N(int64(mode.TicketTimeout) * 5 / 4))
		if rng.IntN(4) == 0 { // ties in creation time
			age = age.Truncate(10 * time.Second)
		}
		ts[i] = Ticket{ID: TicketID(fmt.Sprintf("t%04d", i)), Mode: "m", Players: players, Skill: skill, Regions: rls, CreatedAt: now.Add(-age)}
	}
	sortTickets(ts)
	var slots []BackfillSlot
	for i := range rng.IntN(5) {
		s := BackfillSlot{
			MatchID: fmt.Sprintf("run%d", i), HostID: "h", MeanSkill: 1500 + 200*rng.NormFloat64(),
			OpenSince: now.Add(-time.Duration(rng.IntN(60)) * time.Second),
		}
		if rng.IntN(4) > 0 {
			s.Region = regions[rng.IntN(3)]
		}
		teams := mode.WithDefaults().TeamCount()
		if teams > 1 && rng.IntN(3) > 0 {
			s.TeamOpen = make([]int, teams)
			for tm := range s.TeamOpen {
				s.TeamOpen[tm] = rng.IntN(maxParty + 1)
				s.OpenSeats += s.TeamOpen[tm]
			}
		} else {
			s.OpenSeats = 1 + rng.IntN(mode.MaxPlayers)
		}
		slots = append(slots, s)
	}
	return PassInput{Now: now, Mode: mode, Tickets: ts, Backfill: slots}
}

// TestPassProperties checks the pass's invariants over random pools, and
// that it is deterministic.
func TestPassProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(20300101, 1))
	cases := 600
	if testing.Short() {
		cases = 100
	}
	var matched, matches, backfills int
	for c := range cases {
		in := randomCase(rng)
		out := Pass(in)
		ok := t.Run(fmt.Sprintf("case%d", c), func(t *testing.T) {
			checkInvariants(t, in, out)
			if again := Pass(in); !reflect.DeepEqual(out, again) {
				t.Error("not deterministic")
			}
		})
		if !ok {
			t.Logf("mode %+v, %d tickets, slots %+v", in.Mode, len(in.Tickets), in.Backfill)
			break
		}
		for _, m := range out.Matches {
			matched += len(m.Tickets)
		}
		matches += len(out.Matches)
		backfills += len(out.Backfills)
	}
	if matches == 0 || backfills == 0 {
		t.Fatalf("the random cases exercise nothing: %d matches, %d backfills", matches, backfills)
	}
	t.Logf("%d cases: %d matches (%d tickets), %d backfills", cases, matches, matched, backfills)
}
