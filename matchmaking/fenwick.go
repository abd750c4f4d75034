package matchmaking

// fenwick counts live entries of a slice: prefix sums in O(log n). It is
// 1-based inside; its methods take 0-based indexes.
type fenwick []int32

// rebuild sets the tree over n entries, live(i) telling which count.
func (f *fenwick) rebuild(n int, live func(i int) bool) {
	t := (*f)[:0]
	t = append(t, make([]int32, n+1)...)
	for i := 1; i <= n; i++ {
		if live(i - 1) {
			t[i]++
		}
		if j := i + i&-i; j <= n {
			t[j] += t[i]
		}
	}
	*f = t
}

// push appends an entry counting v.
func (f *fenwick) push(v int32) {
	t := *f
	if len(t) == 0 {
		t = append(t, 0)
	}
	i := len(t)
	sum := v
	for j := i - 1; j > i-i&-i; j -= j & -j {
		sum += t[j]
	}
	*f = append(t, sum)
}

// add adds v to entry i.
func (f fenwick) add(i int, v int32) {
	for i++; i < len(f); i += i & -i {
		f[i] += v
	}
}

// prefix is the count of entries [0, i).
func (f fenwick) prefix(i int) int {
	s := 0
	for ; i > 0; i -= i & -i {
		s += int(f[i])
	}
	return s
}
