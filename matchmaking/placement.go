package matchmaking

// Where new matches go. Both directories use these, so a memory and a
// Redis directory place alike.

// HostTakesMatches reports whether a host in this lifecycle state takes
// new matches: ready or allocated, or a host that reports no state (an
// embedded one). Starting, draining and stopped hosts take none.
func HostTakesMatches(state string) bool {
	switch state {
	case "", "ready", "allocated":
		return true
	}
	return false
}

// FillsBetter reports whether a host with free seats of capacity is a
// better place for a new match than one with bestFree of bestCapacity:
// the fuller host first (the smaller share of its capacity free), then the
// one with fewer free seats. Filling hosts that already run matches before
// starting on empty ones lets empty hosts stay empty and scale down, and
// keeps the seats of a big match together.
func FillsBetter(free, capacity, bestFree, bestCapacity int) bool {
	// Compare free/capacity with bestFree/bestCapacity without division.
	l, r := int64(free)*int64(max(bestCapacity, 1)), int64(bestFree)*int64(max(capacity, 1))
	return l < r || (l == r && free < bestFree)
}
