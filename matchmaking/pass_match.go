package matchmaking

// formMatches lets every waiting ticket, oldest first, anchor a new match
// in its regions, best first.
func (p *pool) formMatches() {
	p.free = make([]int, p.teams)
	p.counts = make([]int, p.teams)
	p.sums = make([]float64, p.teams)
	for rank := range p.ts {
		t := &p.ts[rank]
		if t.state != stWaiting {
			continue
		}
		for j := t.reg; j < t.reg+t.nreg; j++ {
			if p.tryForm(int32(rank), p.regs[j]) {
				break
			}
		}
	}
}

// tryForm gathers a match around anchor a in region r and commits it, or
// puts every ticket back and returns false.
//
// The spread of the match's ratings stays within w, the anchor's window:
// each next ticket is the oldest whose rating lies in [highest-w, lowest+w]
// and whose party fits the largest open team.
func (p *pool) tryForm(a int32, r int32) bool {
	t := &p.ts[a]
	full := p.mode.MaxPlayers
	partial := p.mode.MinPlayers < full && t.wait >= p.mode.FullMatchWait
	need := full
	if partial {
		need = p.mode.MinPlayers
	}
	w := t.window
	if p.openCursors(r, t.skill-w, t.skill+w) < need {
		return false // not enough players in reach, whatever the picks
	}

	for i := range p.free {
		p.free[i] = p.teamSize
	}
	p.picks, p.pickTeam = p.picks[:0], p.pickTeam[:0]
	p.pick(a)
	players, lo, hi := int(t.size), t.skill, t.skill
	for players < full {
		maxFree := 0
		for _, f := range p.free {
			maxFree = max(maxFree, f)
		}
		c := p.nextOldest(hi-w, lo+w, maxFree)
		if c == noRank {
			break
		}
		p.pick(c)
		ct := &p.ts[c]
		players += int(ct.size)
		lo, hi = min(lo, ct.skill), max(hi, ct.skill)
	}

	ok := players == full || (partial && players >= p.mode.MinPlayers)
	if ok && p.teams > 1 {
		ok = p.assignTeams(players == full)
	}
	if !ok {
		for _, c := range p.picks {
			p.restore(c)
		}
		return false
	}

	g := int32(len(p.out.Matches))
	start := len(p.matched)
	for k, c := range p.picks {
		ct := &p.ts[c]
		ct.state, ct.group = stMatched, g
		team := 0
		if p.teams > 1 {
			team = p.final[k]
		}
		p.matched = append(p.matched, MatchedTicket{
			ID: p.in.Tickets[ct.idx].ID, Index: int(ct.idx), Team: team, Players: int(ct.size),
		})
	}
	p.out.Matches = append(p.out.Matches, ProposedMatch{
		Region:   p.regionNames[r],
		Tickets:  p.matched[start:len(p.matched):len(p.matched)],
		Players:  players,
		Full:     players == full,
		SkillMin: lo,
		SkillMax: hi,
		Window:   w,
	})
	return true
}

// pick places a ticket in the first team it fits (the caller made sure
// one exists) and takes it out of the buckets.
func (p *pool) pick(c int32) {
	size := int(p.ts[c].size)
	team := 0
	for team < len(p.free)-1 && p.free[team] < size {
		team++
	}
	p.free[team] -= size
	p.picks = append(p.picks, c)
	p.pickTeam = append(p.pickTeam, team)
	p.remove(c)
	for k := range p.cursors {
		if p.cursors[k].size == int32(size) {
			p.cursors[k].best = unknownRank // its oldest may have been c
		}
	}
}

// unknownRank marks a cursor whose oldest ticket must be looked up again.
const unknownRank = -1

// cursor follows one (region, size) bucket while a match forms: the
// position range [l, h) of the skill range and the oldest ticket in it.
// The skill range only narrows while a match forms, so a cached oldest
// ticket still inside the new range is still the oldest there: most picks
// look up one bucket, not all of them.
type cursor struct {
	b    *bucket
	size int32
	l, h int
	best int32 // oldest rank in [l, h), noRank when none, or unknownRank
}

// openCursors sets a cursor per party size of region r over [lo, hi] and
// returns an upper bound of the players waiting in that range (it counts
// tickets already taken in this pass too).
func (p *pool) openCursors(r int32, lo, hi float64) int {
	n := 0
	base := int(r) * p.maxParty
	p.cursors = p.cursors[:0]
	for _, s := range p.sizes[r] {
		b := &p.buckets[base+int(s)-1]
		l, h := lowerBound(b.skills, lo), upperBound(b.skills, hi)
		n += int(s) * (h - l)
		p.cursors = append(p.cursors, cursor{b: b, size: s, l: l, h: h, best: unknownRank})
	}
	return n
}

// nextOldest is the oldest ticket under the cursors with a skill in
// [lo, hi] (within the cursors' previous range) and a party of at most
// maxSize, or noRank.
func (p *pool) nextOldest(lo, hi float64, maxSize int) int32 {
	best := int32(noRank)
	for k := range p.cursors {
		c := &p.cursors[k]
		if int(c.size) > maxSize {
			break
		}
		if c.best >= 0 && c.best != noRank {
			if s := p.ts[c.best].skill; s < lo || s > hi {
				c.best = unknownRank
			}
		}
		if c.best == unknownRank {
			sk := c.b.skills[c.l:c.h]
			c.l, c.h = c.l+lowerBound(sk, lo), c.l+upperBound(sk, hi)
			c.best = noRank
			if c.l < c.h {
				c.best = c.b.tree.min(c.l, c.h)
			}
		}
		best = min(best, c.best)
	}
	return best
}

// assignTeams spreads the picked parties over the teams in p.final: largest
// party first, each into the team with the fewest players that has room,
// then the lowest total rating, then the lowest index — balanced head counts
// and ratings. When that packing fails it keeps the first-fit placement the
// picks were made with, which always fits. A short match must have a
// player in every team.
func (p *pool) assignTeams(full bool) bool {
	n := len(p.picks)
	order := p.order[:0]
	for k := range n {
		order = append(order, k)
	}
	p.order = order
	// Insertion sort: matches are small. Size desc, skill desc, rank asc.
	less := func(a, b int) bool {
		ta, tb := &p.ts[p.picks[a]], &p.ts[p.picks[b]]
		if ta.size != tb.size {
			return ta.size > tb.size
		}
		if ta.skill != tb.skill {
			return ta.skill > tb.skill
		}
		return p.picks[a] < p.picks[b]
	}
	for i := 1; i < n; i++ {
		for j := i; j > 0 && less(order[j], order[j-1]); j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
	teamOf := append(p.final[:0], make([]int, n)...)
	p.final = teamOf
	for i := range p.counts {
		p.counts[i], p.sums[i] = 0, 0
	}
	packed := true
	for _, k := range order {
		t := &p.ts[p.picks[k]]
		size := int(t.size)
		best := -1
		for tm := range p.teams {
			if p.teamSize-p.counts[tm] < size {
				continue
			}
			if best < 0 || p.counts[tm] < p.counts[best] ||
				(p.counts[tm] == p.counts[best] && p.sums[tm] < p.sums[best]) {
				best = tm
			}
		}
		if best < 0 {
			packed = false
			break
		}
		teamOf[k] = best
		p.counts[best] += size
		p.sums[best] += t.skill * float64(size)
	}
	if !packed {
		copy(teamOf, p.pickTeam)
		for i := range p.counts {
			p.counts[i] = 0
		}
		for k, tm := range teamOf {
			p.counts[tm] += int(p.ts[p.picks[k]].size)
		}
	}
	if !full {
		for _, c := range p.counts {
			if c == 0 {
				return false
			}
		}
	}
	return true
}
