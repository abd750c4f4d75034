package main

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// promSample is one line of the Prometheus text exposition format.
type promSample struct {
	Name   string
	Labels map[string]string
	Value  float64
}

// promScrape is one scrape of a /metrics endpoint.
type promScrape []promSample

// parseProm reads the Prometheus text format (version 0.0.4): comments and
// blank lines are skipped, every other line is name{labels} value
// [timestamp].
func parseProm(r io.Reader) (promScrape, error) {
	var out promScrape
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		s, err := parsePromLine(line)
		if err != nil {
			return nil, fmt.Errorf("metrics line %d: %w", n, err)
		}
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read metrics: %w", err)
	}
	return out, nil
}

func parsePromLine(line string) (promSample, error) {
	end := strings.IndexAny(line, "{ \t")
	if end <= 0 {
		return promSample{}, fmt.Errorf("no value in %q", line)
	}
	s := promSample{Name: line[:end]}
	rest := line[end:]
	if rest[0] == '{' {
		labels, after, err := parsePromLabels(rest[1:])
		if err != nil {
			return promSample{}, err
		}
		s.Labels, rest = labels, after
	}
	f := strings.Fields(rest)
	if len(f) < 1 || len(f) > 2 {
		return promSample{}, fmt.Errorf("want a value and an optional timestamp after %s, got %q", s.Name, rest)
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return promSample{}, fmt.Errorf("%s: %w", s.Name, err)
	}
	s.Value = v
	return s, nil
}

// parsePromLabels reads label pairs up to and including the closing '}'
// and returns what follows it.
func parsePromLabels(s string) (map[string]string, string, error) {
	labels := map[string]string{}
	for {
		s = strings.TrimLeft(s, " \t")
		if strings.HasPrefix(s, "}") {
			return labels, s[1:], nil
		}
		eq := strings.IndexByte(s, '=')
		if eq <= 0 || len(s) < eq+2 || s[eq+1] != '"' {
			return nil, "", fmt.Errorf("bad label in %q", s)
		}
		key := strings.TrimSpace(s[:eq])
		var val strings.Builder
		i := eq + 2
		for ; i < len(s) && s[i] != '"'; i++ {
			c := s[i]
			if c == '\\' && i+1 < len(s) {
				i++
				switch s[i] {
				case 'n':
					c = '\n'
				default: // \\ and \"
					c = s[i]
				}
			}
			val.WriteByte(c)
		}
		if i >= len(s) {
			return nil, "", fmt.Errorf("unterminated label value of %s", key)
		}
		labels[key] = val.String()
		s = strings.TrimLeft(s[i+1:], " \t")
		if strings.HasPrefix(s, ",") {
			s = s[1:]
		}
	}
}

// Value returns the sum of every sample called name (one, for a metric
// without labels) and whether there was any.
func (p promScrape) Value(name string) (float64, bool) {
	var sum float64
	found := false
	for _, s := range p {
		if s.Name == name {
			sum += s.Value
			found = true
		}
	}
	return sum, found
}

// promBucket is a cumulative histogram bucket: Count observations were at
// most UpperBound.
type promBucket struct {
	UpperBound float64
	Count      float64
}

// promHistogram is a Prometheus histogram without labels.
type promHistogram struct {
	Buckets    []promBucket // by UpperBound; the last one is +Inf
	Count, Sum float64
}

// Histogram assembles the histogram called name from its _bucket, _count
// and _sum samples.
func (p promScrape) Histogram(name string) (promHistogram, error) {
	var h promHistogram
	for _, s := range p {
		if s.Name != name+"_bucket" {
			continue
		}
		le, ok := s.Labels["le"]
		if !ok {
			return promHistogram{}, fmt.Errorf("histogram %s: bucket without le", name)
		}
		ub, err := strconv.ParseFloat(le, 64)
		if err != nil {
			return promHistogram{}, fmt.Errorf("histogram %s: le: %w", name, err)
		}
		h.Buckets = append(h.Buckets, promBucket{UpperBound: ub, Count: s.Value})
	}
	if len(h.Buckets) == 0 {
		return promHistogram{}, fmt.Errorf("histogram %s: not in the scrape", name)
	}
	slices.SortFunc(h.Buckets, func(a, b promBucket) int { return cmp.Compare(a.UpperBound, b.UpperBound) })
	if !math.IsInf(h.Buckets[len(h.Buckets)-1].UpperBound, 1) {
		return promHistogram{}, fmt.Errorf("histogram %s: no +Inf bucket", name)
	}
	var okCount, okSum bool
	h.Count, okCount = p.Value(name + "_count")
	h.Sum, okSum = p.Value(name + "_sum")
	if !okCount || !okSum {
		return promHistogram{}, fmt.Errorf("histogram %s: _count or _sum missing", name)
	}
	return h, nil
}

// Sub returns the observations h holds beyond earlier, a scrape of the same
// histogram taken before: what happened between the two scrapes.
func (h promHistogram) Sub(earlier promHistogram) (promHistogram, error) {
	if len(h.Buckets) != len(earlier.Buckets) {
		return promHistogram{}, errors.New("histograms with different buckets")
	}
	d := promHistogram{Buckets: make([]promBucket, len(h.Buckets)), Count: h.Count - earlier.Count, Sum: h.Sum - earlier.Sum}
	for i, b := range h.Buckets {
		if b.UpperBound != earlier.Buckets[i].UpperBound {
			return promHistogram{}, errors.New("histograms with different buckets")
		}
		d.Buckets[i] = promBucket{UpperBound: b.UpperBound, Count: b.Count - earlier.Buckets[i].Count}
	}
	if d.Count < 0 {
		return promHistogram{}, errors.New("histogram went backwards (a different process?)")
	}
	return d, nil
}

// Quantile estimates quantile q in [0, 1] as Prometheus's
// histogram_quantile does: it finds the bucket holding the rank and
// interpolates linearly inside it (from 0 for the first bucket). A rank in
// the +Inf bucket yields the highest finite bound. NaN when empty.
func (h promHistogram) Quantile(q float64) float64 {
	n := len(h.Buckets)
	if n == 0 || h.Buckets[n-1].Count <= 0 {
		return math.NaN()
	}
	rank := q * h.Buckets[n-1].Count
	prevCount, lower := 0.0, 0.0
	for i, b := range h.Buckets {
		if b.Count >= rank && b.Count > prevCount {
			if math.IsInf(b.UpperBound, 1) {
				if i == 0 {
					return math.NaN()
				}
				return h.Buckets[i-1].UpperBound
			}
			return lower + (b.UpperBound-lower)*(rank-prevCount)/(b.Count-prevCount)
		}
		prevCount, lower = b.Count, b.UpperBound
	}
	return h.Buckets[n-2].UpperBound
}

// Max bounds the largest observation from above: the upper bound of the
// highest non-empty bucket (+Inf when that is the last one, NaN when
// empty).
func (h promHistogram) Max() float64 {
	prev := 0.0
	top := math.NaN()
	for _, b := range h.Buckets {
		if b.Count > prev {
			top = b.UpperBound
		}
		prev = b.Count
	}
	return top
}

// Mean is the average observation (NaN when empty).
func (h promHistogram) Mean() float64 {
	if h.Count <= 0 {
		return math.NaN()
	}
	return h.Sum / h.Count
}
