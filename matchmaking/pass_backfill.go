package matchmaking

import (
	"cmp"
	"math"
	"slices"
)

// backfill fills the open seats of running matches, oldest slot first.
func (p *pool) backfill() {
	slots := p.in.Backfill
	if len(slots) == 0 || len(p.regionNames) == 0 {
		return
	}
	order := make([]int, len(slots))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if c := slots[a].OpenSince.Compare(slots[b].OpenSince); c != 0 {
			return c
		}
		return cmp.Compare(slots[a].MatchID, slots[b].MatchID)
	})
	for _, si := range order {
		p.fillSlot(si)
	}
}

// fillSlot gives slot si the oldest tickets that fit it: eligible in its
// region, a party that fits an open team, and |skill - mean| within the
// ticket's own window.
//
// Candidates come from the oldest-in-range query over [mean-w, mean+w]. A
// candidate outside its own window w' narrows the range to w': windows
// only shrink with age, so every younger ticket that fits lies within w'.
func (p *pool) fillSlot(si int) {
	s := &p.in.Backfill[si]
	if math.IsNaN(s.MeanSkill) || math.IsInf(s.MeanSkill, 0) {
		return
	}
	regs := p.slotRegs[:0]
	if s.Region == "" {
		for r := range p.regionNames {
			regs = append(regs, int32(r))
		}
	} else if r := p.regionID(s.Region, false); r >= 0 {
		regs = append(regs, r)
	}
	p.slotRegs = regs
	if len(regs) == 0 {
		return
	}

	total := s.OpenSeats
	perTeam := p.teams > 1 && len(s.TeamOpen) == p.teams
	var free []int
	if perTeam {
		free = make([]int, p.teams)
		sum := 0
		for i, f := range s.TeamOpen {
			free[i] = min(max(f, 0), p.teamSize)
			sum += free[i]
		}
		if total <= 0 || sum < total {
			total = sum
		}
	} else {
		free = []int{total}
	}
	if total <= 0 {
		return
	}

	m := s.MeanSkill
	lo, hi := m-p.mode.MaxSkillWindow, m+p.mode.MaxSkillWindow
	for total > 0 {
		maxFree := 0
		for _, f := range free {
			maxFree = max(maxFree, f)
		}
		maxFree = min(maxFree, total)
		if maxFree <= 0 {
			return
		}
		c := int32(noRank)
		for _, r := range regs {
			c = min(c, p.oldest(r, lo, hi, maxFree))
		}
		if c == noRank {
			return
		}
		t := &p.ts[c]
		if math.Abs(t.skill-m) > t.window {
			lo, hi = m-t.window, m+t.window
			continue
		}
		size := int(t.size)
		team := -1 // the team with the most open seats, among those it fits
		for i, f := range free {
			if f >= size && (team < 0 || f > free[team]) {
				team = i
			}
		}
		free[team] -= size
		total -= size
		p.remove(c)
		t.state, t.group = stBackfilled, int32(si)
		outTeam := team
		if p.teams > 1 && !perTeam {
			outTeam = -1
		}
		p.out.Backfills = append(p.out.Backfills, BackfillAssignment{
			TicketID: p.in.Tickets[t.idx].ID, Index: int(t.idx),
			MatchID: s.MatchID, HostID: s.HostID, Region: s.Region,
			Team: outTeam, Players: size,
		})
	}
}
