package loadbench

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

// promText is a scrape of a server's /metrics: a 3-bucket tick histogram
// (plus +Inf) and counters, the tick observations given cumulatively.
func promText(buckets [4]int, sum float64, bytesOut int) string {
	var b strings.Builder
	b.WriteString("# HELP skirmish_tick_duration_seconds Time one step took.\n# TYPE skirmish_tick_duration_seconds histogram\n")
	les := []string{"0.001", "0.002", "0.004", "+Inf"}
	for i, le := range les {
		b.WriteString("skirmish_tick_duration_seconds_bucket{le=\"" + le + "\"} " + itoa(buckets[i]) + "\n")
	}
	b.WriteString("skirmish_tick_duration_seconds_sum " + ftoa(sum) + "\n")
	b.WriteString("skirmish_tick_duration_seconds_count " + itoa(buckets[3]) + "\n")
	b.WriteString("skirmish_bytes_out_total " + itoa(bytesOut) + "\n")
	b.WriteString("skirmish_sessions_closed_by_server_total{code=\"1008\"} 2\n")
	b.WriteString("skirmish_sessions_closed_by_server_total{code=\"1001\"} 3 1700000000000\n")
	return b.String()
}

func itoa(n int) string     { return strconv.Itoa(n) }
func ftoa(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func TestPromParseValues(t *testing.T) {
	text := "# TYPE x counter\nx{a=\"q\\\"uo,te\"} 1.5e3 1700000000000\nx{a=\"b\"} 2\ny +Inf\n"
	p, err := parseProm(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := p.Value("x"); !ok || v != 1502 {
		t.Errorf("x sums to %v, %v; want 1502", v, ok)
	}
	if v, ok := p.Value("y"); !ok || !math.IsInf(v, 1) {
		t.Errorf("y = %v, %v", v, ok)
	}
	if _, ok := p.Value("z"); ok {
		t.Error("a missing metric has a value")
	}
	for _, bad := range []string{"novalue\n", "x{a=\"unterminated} 1\n", "x{a=b} 1\n", "x one\n"} {
		if _, err := parseProm(strings.NewReader(bad)); err == nil {
			t.Errorf("parseProm(%q) succeeded", bad)
		}
	}
}

func TestPromHistogramQuantileFromBucketDeltas(t *testing.T) {
	// Before the window: 1000 fast ticks. In the window: 100 ticks, 50 in
	// (0, 1ms], 40 in (1, 2ms], 9 in (2, 4ms], 1 in (4ms, +Inf).
	before, err := parseProm(strings.NewReader(promText([4]int{1000, 1000, 1000, 1000}, 0.5, 100)))
	if err != nil {
		t.Fatal(err)
	}
	after, err := parseProm(strings.NewReader(promText([4]int{1050, 1090, 1099, 1100}, 0.65, 700)))
	if err != nil {
		t.Fatal(err)
	}
	a, err := after.Histogram("skirmish_tick_duration_seconds")
	if err != nil {
		t.Fatal(err)
	}
	b, err := before.Histogram("skirmish_tick_duration_seconds")
	if err != nil {
		t.Fatal(err)
	}
	d, err := a.Sub(b)
	if err != nil {
		t.Fatal(err)
	}
	if d.Count != 100 || math.Abs(d.Sum-0.15) > 1e-9 {
		t.Errorf("delta count %v sum %v, want 100 and 0.15", d.Count, d.Sum)
	}
	for _, c := range []struct{ q, want float64 }{
		{0.25, 0.0005},              // halfway through the first bucket
		{0.50, 0.001},               // its top
		{0.70, 0.001 + 0.001*20/40}, // 20 of 40 into (1, 2ms]
		{0.95, 0.002 + 0.002*5/9.0}, // 5 of 9 into (2, 4ms]
		{0.999, 0.004},              // in +Inf: the highest finite bound
	} {
		if got := d.Quantile(c.q); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("Quantile(%v) = %v, want %v", c.q, got, c.want)
		}
	}
	if !math.IsInf(d.Max(), 1) {
		t.Errorf("Max = %v, want +Inf (one observation above 4ms)", d.Max())
	}
	if got := maxText(d); got != "> 4.00" {
		t.Errorf("maxText = %q", got)
	}
	if m := d.Mean(); math.Abs(m-0.0015) > 1e-12 {
		t.Errorf("Mean = %v", m)
	}

	// Before any tick, the histogram is empty: NaN, not a guess.
	if empty, _ := b.Sub(b); !math.IsNaN(empty.Quantile(0.99)) || !math.IsNaN(empty.Max()) {
		t.Error("an empty histogram has quantiles")
	}
	if _, err := b.Sub(a); err == nil {
		t.Error("a histogram going backwards subtracted")
	}
	if _, err := after.Histogram("skirmish_tick_lateness_seconds"); err == nil {
		t.Error("a missing histogram was found")
	}
	if v, _ := after.Value("skirmish_sessions_closed_by_server_total"); v != 5 {
		t.Errorf("labelled counter sums to %v, want 5", v)
	}
}
