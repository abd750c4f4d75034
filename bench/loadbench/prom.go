package loadbench

import (
	"errors"
	"fmt"
	"io"
	"math"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// promScrape is one scrape of a /metrics endpoint, by metric family.
type promScrape map[string]*dto.MetricFamily

// parseProm reads the Prometheus text format with the Prometheus library's
// own parser.
func parseProm(r io.Reader) (promScrape, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(r)
	if err != nil {
		return nil, fmt.Errorf("read metrics: %w", err)
	}
	return families, nil
}

// Value returns the sum of the counter, gauge or untyped metric called
// name over its labels (one value, for a metric without labels) and
// whether there was any.
func (p promScrape) Value(name string) (float64, bool) {
	f, ok := p[name]
	if !ok || len(f.GetMetric()) == 0 {
		return 0, false
	}
	var sum float64
	for _, m := range f.GetMetric() {
		switch {
		case m.Counter != nil:
			sum += m.GetCounter().GetValue()
		case m.Gauge != nil:
			sum += m.GetGauge().GetValue()
		case m.Untyped != nil:
			sum += m.GetUntyped().GetValue()
		default:
			return 0, false
		}
	}
	return sum, true
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

// Histogram returns the histogram called name, its +Inf bucket included.
func (p promScrape) Histogram(name string) (promHistogram, error) {
	f, ok := p[name]
	if !ok || f.GetType() != dto.MetricType_HISTOGRAM || len(f.GetMetric()) != 1 {
		return promHistogram{}, fmt.Errorf("histogram %s: not in the scrape (or labelled)", name)
	}
	src := f.GetMetric()[0].GetHistogram()
	h := promHistogram{Count: float64(src.GetSampleCount()), Sum: src.GetSampleSum()}
	for _, b := range src.GetBucket() {
		if !math.IsInf(b.GetUpperBound(), 1) {
			h.Buckets = append(h.Buckets, promBucket{UpperBound: b.GetUpperBound(), Count: float64(b.GetCumulativeCount())})
		}
	}
	h.Buckets = append(h.Buckets, promBucket{UpperBound: math.Inf(1), Count: h.Count})
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
