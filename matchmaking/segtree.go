package matchmaking

import "math"

// noRank marks an empty leaf: larger than every ticket rank.
const noRank = math.MaxInt32

// segTree is a bottom-up segment tree over the positions of one bucket
// (tickets sorted by skill). Each leaf holds a ticket's rank (its place in
// the oldest-first order), or noRank once the ticket is taken; inner nodes
// hold the minimum below them. It answers "oldest ticket in positions
// [l, r)" and takes or returns a ticket in O(log n).
type segTree struct {
	size int     // leaves, a power of two
	mins []int32 // 2*size; mins[1] is the root
}

// treeLen is the storage one tree over n positions needs.
func treeLen(n int) int {
	size := 1
	for size < n {
		size <<= 1
	}
	return 2 * size
}

// init builds the tree over ranks in mins (treeLen(len(ranks)) elements).
func (t *segTree) init(ranks []int32, mins []int32) {
	t.size = len(mins) / 2
	t.mins = mins
	copy(mins[t.size:], ranks)
	for i := t.size + len(ranks); i < len(mins); i++ {
		mins[i] = noRank
	}
	for i := t.size - 1; i >= 1; i-- {
		mins[i] = min(mins[2*i], mins[2*i+1])
	}
}

// set stores rank at position pos: the ticket's rank to return it, noRank
// to take it. It stops climbing once a minimum does not change.
func (t *segTree) set(pos int, rank int32) {
	i := pos + t.size
	t.mins[i] = rank
	for i >>= 1; i >= 1; i >>= 1 {
		m := min(t.mins[2*i], t.mins[2*i+1])
		if t.mins[i] == m {
			return
		}
		t.mins[i] = m
	}
}

// min is the smallest rank present in positions [l, r), or noRank.
func (t *segTree) min(l, r int) int32 {
	res := int32(noRank)
	for l, r = l+t.size, r+t.size; l < r; l, r = l>>1, r>>1 {
		if l&1 == 1 {
			res = min(res, t.mins[l])
			l++
		}
		if r&1 == 1 {
			r--
			res = min(res, t.mins[r])
		}
	}
	return res
}

// lowerBound is the first index with s[i] >= v.
func lowerBound(s []float64, v float64) int {
	lo, hi := 0, len(s)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s[m] < v {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// upperBound is the first index with s[i] > v.
func upperBound(s []float64, v float64) int {
	lo, hi := 0, len(s)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s[m] <= v {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}
