package loadbench

import (
	"strings"
	"testing"
)

func TestLoadbenchMetricDeltasNeedServerMetrics(t *testing.T) {
	text := promText([4]int{10, 10, 10, 10}, 0.01, 100)
	p, _ := parseProm(strings.NewReader(text))
	if _, err := metricDeltas(p, p); err == nil {
		t.Error("a scrape without lateness and counters passed")
	}
}
