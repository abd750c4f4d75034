package matchmaking

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"
)

// Outcomes of a ticket in one pass.
const (
	OutcomeMatched    = "matched"
	OutcomeBackfilled = "backfilled"
	OutcomeTimedOut   = "timed_out"
	OutcomeRejected   = "rejected"
	OutcomeWaiting    = "waiting"
	OutcomeNotFound   = "not_found"
)

// Why a candidate is not in the explained ticket's match.
const (
	CandidateSameMatch   = "same_match"           // it is in the ticket's match
	CandidateNoRegion    = "no_common_region"     // no region both may play in
	CandidateSkill       = "skill_outside_window" // rating gap wider than both windows
	CandidatePartyTooBig = "party_does_not_fit"   // both parties exceed a match
	CandidateTimedOut    = "timed_out"            // it left the queue
	CandidateTaken       = "already_taken"        // an older ticket's match or a backfill took it
	CandidateCompatible  = "compatible"           // could play together; not enough others yet
)

// candidateMaxExplained is how many candidates an explanation lists.
const candidateMaxExplained = 5

// Explanation says where a ticket stands after a pass over its pool, and
// why: the operator's answer to "why is this ticket still waiting?".
type Explanation struct {
	TicketID TicketID `json:"ticket_id"`
	Pool     string   `json:"pool"`
	Outcome  string   `json:"outcome"`
	// Reason is one sentence for people.
	Reason string `json:"reason"`
	// Position counts the tickets ahead of this one (older) in the pool.
	Position int           `json:"position"`
	Tickets  int           `json:"tickets"` // in the pool
	Players  int           `json:"players"`
	Skill    float64       `json:"skill"`
	Waited   time.Duration `json:"waited_ns"`
	// Window is the ticket's skill window now; MaxWindow its cap.
	Window    float64 `json:"window"`
	MaxWindow float64 `json:"max_window"`
	// Needed is the number of players a match needs now: MaxPlayers, or
	// MinPlayers once the ticket has waited FullMatchWait.
	Needed  int               `json:"needed"`
	Regions []ExplainedRegion `json:"regions"`
	// Match is the ticket's new match, when Outcome is matched.
	Match *ProposedMatch `json:"match,omitempty"`
	// Backfill is the ticket's seat, when Outcome is backfilled.
	Backfill *BackfillAssignment `json:"backfill,omitempty"`
	// Candidates are the tickets nearest in skill (up to 5), each with why
	// it does or does not play with this one.
	Candidates []Candidate `json:"candidates"`
}

// ExplainedRegion is one of the ticket's regions.
type ExplainedRegion struct {
	Region string        `json:"region"`
	RTT    time.Duration `json:"rtt_ns"`
	// Eligible: the ticket may play here (RTT within MaxRTT, or its best
	// region when none is).
	Eligible bool `json:"eligible"`
	// InReach is the most players still waiting after the pass, this
	// ticket included, that fit one skill band as wide as the ticket's
	// window around it, in this region.
	InReach int `json:"in_reach"`
}

// Candidate is another ticket near in skill.
type Candidate struct {
	TicketID  TicketID      `json:"ticket_id"`
	Skill     float64       `json:"skill"`
	SkillDiff float64       `json:"skill_diff"`
	Window    float64       `json:"window"`
	Players   int           `json:"players"`
	Waited    time.Duration `json:"waited_ns"`
	Regions   []string      `json:"regions"` // where it may play
	Reason    string        `json:"reason"`  // one of the Candidate* constants
	Detail    string        `json:"detail"`
}

// Explain runs the same pass as Pass(in) and explains ticketID's place in
// it. It costs O(n) on top of the pass: meant for an operator endpoint,
// not for every ticket on every pass.
func Explain(in PassInput, ticketID TicketID) Explanation {
	p := newPool(&in)
	p.run()
	ex := Explanation{TicketID: ticketID, Pool: p.mode.Name, Outcome: OutcomeNotFound,
		Reason: "no such ticket in this pool", Candidates: []Candidate{}, Regions: []ExplainedRegion{}}
	rank := -1
	for r := range p.ts {
		if p.in.Tickets[p.ts[r].idx].ID == ticketID {
			rank = r
			break
		}
	}
	if rank < 0 {
		return ex
	}
	pt := &p.ts[rank]
	t := &in.Tickets[pt.idx]
	ex.Players = len(t.Players)
	if !math.IsNaN(t.Skill) && !math.IsInf(t.Skill, 0) {
		ex.Skill = t.Skill
	}
	for r := range p.ts {
		if p.ts[r].state != stRejected {
			ex.Tickets++
			if r < rank {
				ex.Position++
			}
		}
	}
	if pt.state == stRejected {
		ex.Outcome = OutcomeRejected
		for _, rj := range p.out.Rejected {
			if rj.Index == int(pt.idx) {
				ex.Reason = rj.Reason
			}
		}
		return ex
	}
	ex.Waited, ex.Window, ex.MaxWindow = pt.wait, pt.window, p.mode.MaxSkillWindow
	ex.Needed = p.mode.MaxPlayers
	if p.mode.MinPlayers < p.mode.MaxPlayers && pt.wait >= p.mode.FullMatchWait {
		ex.Needed = p.mode.MinPlayers
	}
	mine := p.eligibleNames(t)
	ex.Regions = p.explainRegions(t, mine, pt)

	switch pt.state {
	case stMatched:
		m := p.out.Matches[pt.group]
		ex.Outcome, ex.Match = OutcomeMatched, &m
		ex.Reason = fmt.Sprintf("matched in %s with %d players (skills %.0f to %.0f, window %g)",
			m.Region, m.Players, m.SkillMin, m.SkillMax, m.Window)
	case stBackfilled:
		for i := range p.out.Backfills {
			if p.out.Backfills[i].Index == int(pt.idx) {
				b := p.out.Backfills[i]
				ex.Backfill = &b
			}
		}
		ex.Outcome = OutcomeBackfilled
		ex.Reason = fmt.Sprintf("fills open seats of running match %s", ex.Backfill.MatchID)
	case stTimedOut:
		ex.Outcome = OutcomeTimedOut
		for _, to := range p.out.TimedOut {
			if to.Index == int(pt.idx) {
				ex.Reason = to.Reason
			}
		}
	default:
		ex.Outcome = OutcomeWaiting
		ex.Reason = p.waitingReason(&ex)
	}
	ex.Candidates = p.candidates(rank, mine)
	return ex
}

// eligibleNames lists the regions t may play in, best first.
func (p *pool) eligibleNames(t *Ticket) []string {
	var names []string
	for _, c := range p.eligible(t) {
		names = append(names, c.name)
	}
	return names
}

func (p *pool) explainRegions(t *Ticket, eligible []string, pt *passTicket) []ExplainedRegion {
	regs := make([]ExplainedRegion, 0, len(t.Regions))
	for _, r := range t.Regions {
		er := ExplainedRegion{Region: r.Region, RTT: r.RTT, Eligible: slices.Contains(eligible, r.Region)}
		if er.Eligible {
			er.InReach = p.inReach(pt, r.Region)
		}
		regs = append(regs, er)
	}
	slices.SortStableFunc(regs, func(a, b ExplainedRegion) int { return cmp.Compare(a.RTT, b.RTT) })
	return regs
}

// inReach counts the players still waiting in region that fit the best
// skill band of width window containing pt's skill, pt included.
func (p *pool) inReach(pt *passTicket, region string) int {
	type sp struct {
		skill float64
		size  int
	}
	w := pt.window
	var near []sp
	for r := range p.ts {
		o := &p.ts[r]
		if o != pt && o.state != stWaiting {
			continue
		}
		if math.Abs(o.skill-pt.skill) > w || !p.eligibleIn(o, region) {
			continue
		}
		near = append(near, sp{o.skill, int(o.size)})
	}
	slices.SortFunc(near, func(a, b sp) int {
		switch {
		case a.skill < b.skill:
			return -1
		case a.skill > b.skill:
			return 1
		}
		return 0
	})
	best, sum, lo := 0, 0, 0
	for hi := range near {
		sum += near[hi].size
		for near[hi].skill-near[lo].skill > w {
			sum -= near[lo].size
			lo++
		}
		if near[lo].skill <= pt.skill && pt.skill <= near[hi].skill {
			best = max(best, sum)
		}
	}
	return best
}

// eligibleIn reports whether a ticket may play in the named region.
func (p *pool) eligibleIn(o *passTicket, region string) bool {
	if o.nreg > 0 {
		for _, r := range p.regs[o.reg : o.reg+o.nreg] {
			if p.regionNames[r] == region {
				return true
			}
		}
		return false
	}
	return slices.Contains(p.eligibleNames(&p.in.Tickets[o.idx]), region)
}

func (p *pool) waitingReason(ex *Explanation) string {
	bestReach, bestRegion := -1, ""
	for _, r := range ex.Regions {
		if r.Eligible && r.InReach > bestReach {
			bestReach, bestRegion = r.InReach, r.Region
		}
	}
	widen := ""
	if ex.Window < ex.MaxWindow {
		widen = fmt.Sprintf("; the window widens by %g a second up to %g", p.mode.WidenPerSecond, ex.MaxWindow)
	}
	if bestReach < ex.Needed {
		return fmt.Sprintf("waiting: at most %d of the %d players needed fit a skill window of %g around it (best region %s)%s",
			bestReach, ex.Needed, ex.Window, bestRegion, widen)
	}
	return fmt.Sprintf("waiting: %d players fit its skill window of %g in %s, but the parties do not fill the teams, or older tickets took the players it needs%s",
		bestReach, ex.Window, bestRegion, widen)
}

// candidates lists the (up to 5) other tickets nearest in skill to the
// ticket of the given rank, each with its reason.
func (p *pool) candidates(rank int, mine []string) []Candidate {
	pt := &p.ts[rank]
	near := make([]int, 0, candidateMaxExplained+1)
	dist := func(r int) float64 { return math.Abs(p.ts[r].skill - pt.skill) }
	for r := range p.ts {
		if r == rank || p.ts[r].state == stRejected {
			continue
		}
		d := dist(r)
		if len(near) == candidateMaxExplained && d >= dist(near[len(near)-1]) {
			continue
		}
		i := len(near)
		near = append(near, r)
		for i > 0 && dist(near[i-1]) > d {
			near[i] = near[i-1]
			i--
		}
		near[i] = r
		if len(near) > candidateMaxExplained {
			near = near[:candidateMaxExplained]
		}
	}
	out := make([]Candidate, 0, len(near))
	for _, r := range near {
		o := &p.ts[r]
		ot := &p.in.Tickets[o.idx]
		theirs := p.eligibleNames(ot)
		c := Candidate{
			TicketID: ot.ID, Skill: o.skill, SkillDiff: o.skill - pt.skill, Window: o.window,
			Players: int(o.size), Waited: o.wait, Regions: theirs,
		}
		common := false
		for _, r := range theirs {
			common = common || slices.Contains(mine, r)
		}
		wide := max(pt.window, o.window)
		switch {
		case o.group == pt.group && o.state == pt.state && (o.state == stMatched || o.state == stBackfilled):
			c.Reason, c.Detail = CandidateSameMatch, "plays in the same match"
		case !common:
			c.Reason, c.Detail = CandidateNoRegion, fmt.Sprintf("plays in %v, this ticket in %v", theirs, mine)
		case math.Abs(c.SkillDiff) > wide:
			c.Reason, c.Detail = CandidateSkill, fmt.Sprintf("rating gap %.0f is wider than both windows (widest %g)", math.Abs(c.SkillDiff), wide)
		case int(o.size+pt.size) > p.mode.MaxPlayers:
			c.Reason, c.Detail = CandidatePartyTooBig, fmt.Sprintf("parties of %d and %d exceed a match of %d", pt.size, o.size, p.mode.MaxPlayers)
		case o.state == stTimedOut:
			c.Reason, c.Detail = CandidateTimedOut, "timed out in this pass"
		case o.state == stMatched:
			c.Reason, c.Detail = CandidateTaken, fmt.Sprintf("taken by a new match in %s", p.out.Matches[o.group].Region)
		case o.state == stBackfilled:
			c.Reason, c.Detail = CandidateTaken, fmt.Sprintf("taken by a backfill of match %s", p.in.Backfill[o.group].MatchID)
		default:
			c.Reason, c.Detail = CandidateCompatible, "could play together; not enough other players in reach yet"
		}
		out = append(out, c)
	}
	return out
}
