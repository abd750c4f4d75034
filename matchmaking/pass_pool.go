package matchmaking

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// Ticket states inside one pass.
const (
	stWaiting uint8 = iota
	stMatched
	stBackfilled
	stTimedOut
	stRejected
)

// passTicket is a ticket as the pass sees it. Tickets are addressed by rank:
// their place in the oldest-first order.
type passTicket struct {
	skill  float64
	window float64
	wait   time.Duration
	idx    int32 // index in PassInput.Tickets
	size   int32
	reg    int32 // first of its eligible regions in pool.regs
	nreg   int32
	group  int32 // match or backfill slot index once taken
	state  uint8
}

// bucket holds the waiting tickets of one party size eligible in one
// region, sorted by skill then rank.
type bucket struct {
	skills []float64
	ranks  []int32
	tree   segTree
}

// pool is one pass's working state.
type pool struct {
	in       *PassInput
	mode     ModeConfig
	bad      string // why the mode is unusable
	teams    int
	teamSize int
	maxParty int

	ts   []passTicket // by rank
	regs []int32      // eligible region ids per ticket, best first
	bpos []int32      // position in the (region, size) bucket; parallel to regs

	regionNames []string
	regionIndex map[string]int32 // once there are many regions

	buckets []bucket  // [region*maxParty + size-1]
	sizes   [][]int32 // per region: the party sizes present, ascending

	// scratch
	choices  []regionChoice
	picks    []int32
	pickTeam []int
	final    []int
	order    []int
	cursors  []cursor
	free     []int
	counts   []int
	sums     []float64
	slotRegs []int32
	matched  []MatchedTicket // backing array of the matches' ticket lists

	out PassOutput
}

type regionChoice struct {
	rtt  time.Duration
	name string
}

// newPool orders and indexes the tickets: it settles time-outs and
// rejections and builds the per-region, per-size buckets.
func newPool(in *PassInput) *pool {
	p := &pool{in: in, mode: in.Mode.WithDefaults()}
	if err := p.mode.Validate(); err != nil {
		p.bad = err.Error()
	} else {
		p.teams = p.mode.TeamCount()
		p.teamSize = p.mode.TeamSize()
		p.maxParty = p.mode.MaxParty()
	}
	n := len(in.Tickets)
	order := make([]int32, n)
	sorted := true
	for i := range order {
		order[i] = int32(i)
		if i > 0 && sorted && olderThan(&in.Tickets[i-1], &in.Tickets[i]) > 0 {
			sorted = false
		}
	}
	if !sorted {
		slices.SortStableFunc(order, func(a, b int32) int { return olderThan(&in.Tickets[a], &in.Tickets[b]) })
	}

	p.ts = make([]passTicket, n)
	p.regs = make([]int32, 0, n+n/2)
	waiting := 0
	for rank, idx := range order {
		t := &in.Tickets[idx]
		pt := &p.ts[rank]
		pt.idx, pt.size, pt.reg, pt.group = idx, int32(len(t.Players)), int32(len(p.regs)), -1
		if reason := p.reject(t); reason != "" {
			pt.state = stRejected
			p.out.Rejected = append(p.out.Rejected, RejectedTicket{ID: t.ID, Index: int(idx), Reason: reason})
			continue
		}
		wait := max(in.Now.Sub(t.CreatedAt), 0)
		pt.skill, pt.wait, pt.window = t.Skill, wait, p.mode.Window(wait)
		if wait >= p.mode.TicketTimeout {
			pt.state = stTimedOut
			p.out.TimedOut = append(p.out.TimedOut, TimedOutTicket{
				ID: t.ID, Index: int(idx), Waited: wait,
				Reason: fmt.Sprintf("no match within the %s time-out of mode %s (waited %s; skill window had widened to %g)",
					p.mode.TicketTimeout, p.mode.Name, wait.Round(time.Millisecond), pt.window),
			})
			continue
		}
		p.addRegions(pt, t)
		waiting++
	}
	p.buildBuckets(waiting)
	p.matched = make([]MatchedTicket, 0, waiting)
	return p
}

// reject says why t can never match in this pool, or "".
func (p *pool) reject(t *Ticket) string {
	switch {
	case p.bad != "":
		return p.bad
	case t.Mode != p.mode.Name:
		return fmt.Sprintf("ticket is for mode %q, this pool is %q", t.Mode, p.mode.Name)
	case len(t.Players) == 0:
		return "empty party"
	case len(t.Players) > p.maxParty:
		return fmt.Sprintf("party of %d does not fit a team of %d", len(t.Players), p.maxParty)
	case math.IsNaN(t.Skill) || math.IsInf(t.Skill, 0):
		return fmt.Sprintf("skill %v is not a finite number", t.Skill)
	case len(t.Regions) == 0:
		return "no regions"
	}
	for _, r := range t.Regions {
		if r.Region == "" || r.RTT < 0 {
			return fmt.Sprintf("bad region %q (rtt %s)", r.Region, r.RTT)
		}
	}
	return ""
}

// eligible lists the regions t may play in, best first: those within
// MaxRTT by round trip then name, or its best region alone when none is.
func (p *pool) eligible(t *Ticket) []regionChoice {
	c := p.choices[:0]
	for _, r := range t.Regions {
		if r.RTT <= p.mode.MaxRTT {
			c = insertChoice(c, regionChoice{r.RTT, r.Region})
		}
	}
	if len(c) == 0 {
		best := t.Regions[0]
		for _, r := range t.Regions[1:] {
			if r.RTT < best.RTT || (r.RTT == best.RTT && r.Region < best.Region) {
				best = r
			}
		}
		c = append(c, regionChoice{best.RTT, best.Region})
	}
	p.choices = c
	return c
}

// insertChoice inserts v in order (round trip, name), dropping a region
// already present.
func insertChoice(c []regionChoice, v regionChoice) []regionChoice {
	for _, x := range c {
		if x.name == v.name {
			return c
		}
	}
	i := len(c)
	c = append(c, v)
	for i > 0 && (c[i-1].rtt > v.rtt || (c[i-1].rtt == v.rtt && c[i-1].name > v.name)) {
		c[i] = c[i-1]
		i--
	}
	c[i] = v
	return c
}

func (p *pool) addRegions(pt *passTicket, t *Ticket) {
	for _, c := range p.eligible(t) {
		p.regs = append(p.regs, p.regionID(c.name, true))
	}
	pt.nreg = int32(len(p.regs)) - pt.reg
}

// regionID returns the id of a region name, adding it when add is set;
// -1 when absent. Ids follow first appearance in the oldest-first order,
// so they are deterministic.
func (p *pool) regionID(name string, add bool) int32 {
	if p.regionIndex != nil {
		if id, ok := p.regionIndex[name]; ok {
			return id
		}
	} else {
		for i, s := range p.regionNames {
			if s == name {
				return int32(i)
			}
		}
	}
	if !add {
		return -1
	}
	id := int32(len(p.regionNames))
	p.regionNames = append(p.regionNames, name)
	if p.regionIndex != nil {
		p.regionIndex[name] = id
	} else if len(p.regionNames) > 16 {
		p.regionIndex = make(map[string]int32, 64)
		for i, s := range p.regionNames {
			p.regionIndex[s] = int32(i)
		}
	}
	return id
}

func (p *pool) bucketOf(region int32, size int32) *bucket {
	return &p.buckets[int(region)*p.maxParty+int(size)-1]
}

// buildBuckets distributes the waiting tickets, in skill order, into one
// bucket per (region, party size) and builds the buckets' trees.
func (p *pool) buildBuckets(waiting int) {
	if p.bad != "" {
		return
	}
	nr := len(p.regionNames)
	p.buckets = make([]bucket, nr*p.maxParty)
	lens := make([]int, len(p.buckets))
	keys := make([]uint64, 0, waiting)
	bySkill := make([]int32, 0, waiting)
	for rank := range p.ts {
		t := &p.ts[rank]
		if t.state != stWaiting {
			continue
		}
		keys = append(keys, floatKey(t.skill))
		bySkill = append(bySkill, int32(rank))
		for _, r := range p.regs[t.reg : t.reg+t.nreg] {
			lens[int(r)*p.maxParty+int(t.size)-1]++
		}
	}
	radixSort(keys, bySkill) // stable: equal skills stay oldest first

	skills := make([]float64, len(p.regs))
	ranks := make([]int32, len(p.regs))
	treeTotal, off := 0, 0
	for i, n := range lens {
		p.buckets[i].skills = skills[off : off : off+n]
		p.buckets[i].ranks = ranks[off : off : off+n]
		off += n
		if n > 0 {
			treeTotal += treeLen(n)
		}
	}
	p.bpos = make([]int32, len(p.regs))
	for _, rank := range bySkill {
		t := &p.ts[rank]
		for j := t.reg; j < t.reg+t.nreg; j++ {
			b := p.bucketOf(p.regs[j], t.size)
			p.bpos[j] = int32(len(b.skills))
			b.skills = append(b.skills, t.skill)
			b.ranks = append(b.ranks, rank)
		}
	}

	mins := make([]int32, treeTotal)
	off = 0
	p.sizes = make([][]int32, nr)
	for r := range nr {
		for s := 1; s <= p.maxParty; s++ {
			b := p.bucketOf(int32(r), int32(s))
			if len(b.ranks) == 0 {
				continue
			}
			p.sizes[r] = append(p.sizes[r], int32(s))
			l := treeLen(len(b.ranks))
			b.tree.init(b.ranks, mins[off:off+l])
			off += l
		}
	}
}

// remove takes a ticket out of every bucket it is in.
func (p *pool) remove(rank int32) {
	t := &p.ts[rank]
	for j := t.reg; j < t.reg+t.nreg; j++ {
		p.bucketOf(p.regs[j], t.size).tree.set(int(p.bpos[j]), noRank)
	}
}

// restore puts back a ticket that remove took out.
func (p *pool) restore(rank int32) {
	t := &p.ts[rank]
	for j := t.reg; j < t.reg+t.nreg; j++ {
		p.bucketOf(p.regs[j], t.size).tree.set(int(p.bpos[j]), rank)
	}
}

// oldest is the oldest waiting ticket eligible in region r with a party of
// at most maxSize and a skill in [lo, hi], or noRank.
func (p *pool) oldest(r int32, lo, hi float64, maxSize int) int32 {
	best := int32(noRank)
	base := int(r) * p.maxParty
	for _, s := range p.sizes[r] {
		if int(s) > maxSize {
			break
		}
		b := &p.buckets[base+int(s)-1]
		l, h := lowerBound(b.skills, lo), upperBound(b.skills, hi)
		if l < h {
			best = min(best, b.tree.min(l, h))
		}
	}
	return best
}
