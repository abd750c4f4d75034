package grafana

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

var labelValues = regexp.MustCompile(`label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)`)

// Pieces of PromQL that hold no metric name: Grafana variables, strings,
// label matchers, range and subquery durations, grouping label lists.
var (
	variables = regexp.MustCompile(`\$\{?\w+\}?`)
	strs      = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'`)
	matchers  = regexp.MustCompile(`\{[^}]*\}`)
	ranges    = regexp.MustCompile(`\[[^\]]*\]`)
	grouping  = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)`)
	ident     = regexp.MustCompile(`(?:^|[^a-zA-Z0-9_:.])([a-zA-Z_:][a-zA-Z0-9_:]*)`)
)

// keywords are PromQL words that are not metric names.
var keywords = map[string]bool{"and": true, "or": true, "unless": true, "bool": true, "offset": true,
	"by": true, "without": true, "on": true, "ignoring": true, "group_left": true, "group_right": true, "Inf": true, "NaN": true, "inf": true, "nan": true}

// metricNames returns the metric names a PromQL expression reads: the
// identifiers that are not functions, aggregations, keywords or labels.
func metricNames(expr string) []string {
	s := variables.ReplaceAllString(expr, "")
	s = strs.ReplaceAllString(s, `""`)
	s = matchers.ReplaceAllString(s, "")
	s = ranges.ReplaceAllString(s, "")
	s = grouping.ReplaceAllString(s, "")
	var names []string
	for _, loc := range ident.FindAllStringSubmatchIndex(s, -1) {
		name := s[loc[2]:loc[3]]
		rest := strings.TrimLeft(s[loc[3]:], " \t\n")
		if keywords[name] || strings.HasPrefix(rest, "(") {
			continue // a keyword, a function or an aggregation
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return names
}

func TestMetricNames(t *testing.T) {
	tests := []struct {
		expr string
		want []string
	}{
		{`skirmish_players`, []string{"skirmish_players"}},
		{`sum by (instance) (rate(skirmish_bytes_out_total{instance=~"$instance", code!="1000"}[$__rate_interval])) / clamp_min(sum(skirmish_players), 1)`,
			[]string{"skirmish_bytes_out_total", "skirmish_players"}},
		{`histogram_quantile(0.99, sum by (le, mode) (rate(skirmish_queue_wait_seconds_bucket[5m])))`, []string{"skirmish_queue_wait_seconds_bucket"}},
		{`max without (instance) (a_total) and on (job) b offset 5m or c unless 1e3 > bool 2`, []string{"a_total", "b", "c"}},
		{`sum(rate(x[5m:1m])) by (code)`, []string{"x"}},
	}
	for _, tc := range tests {
		if got := metricNames(tc.expr); !slices.Equal(got, tc.want) {
			t.Errorf("metricNames(%q) = %v, want %v", tc.expr, got, tc.want)
		}
	}
}
