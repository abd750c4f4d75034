package grafana

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
)

// dashboard is the part of Grafana's JSON model the test reads: panels
// (nested in rows too), their queries, and the templating's queries.
type dashboard struct {
	Title      string  `json:"title"`
	UID        string  `json:"uid"`
	Panels     []panel `json:"panels"`
	Templating struct {
		List []struct {
			Name       string `json:"name"`
			Type       string `json:"type"`
			Query      any    `json:"query"`
			Definition string `json:"definition"`
		} `json:"list"`
	} `json:"templating"`
}

type panel struct {
	Title      string `json:"title"`
	Type       string `json:"type"`
	Datasource struct {
		Type, UID string
	} `json:"datasource"`
	Panels  []panel `json:"panels"` // a collapsed row's
	Targets []struct {
		Expr string `json:"expr"`
	} `json:"targets"`
}

func loadDashboard(t *testing.T) dashboard {
	t.Helper()
	b, err := os.ReadFile("skirmish.json")
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	dec := json.NewDecoder(strings.NewReader(string(b)))
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("skirmish.json: %v", err)
	}
	return d
}

// exprs returns every PromQL expression of the dashboard, keyed by where
// it is.
func (d dashboard) exprs() map[string]string {
	out := map[string]string{}
	var walk func(ps []panel)
	walk = func(ps []panel) {
		for _, p := range ps {
			for i, tg := range p.Targets {
				out[fmt.Sprintf("panel %q query %d", p.Title, i)] = tg.Expr
			}
			walk(p.Panels)
		}
	}
	walk(d.Panels)
	for _, v := range d.Templating.List {
		if v.Type == "query" {
			// label_values(metric, label): only the metric is a name.
			if m := labelValues.FindStringSubmatch(v.Definition); m != nil {
				out["variable "+v.Name] = m[1]
			}
		}
	}
	return out
}

// family is a metric family of a live /metrics.
type family struct {
	typ dto.MetricType
	// from names the processes exporting it.
	from []string
}

// exported reports whether a name is in the live families: itself, or
// the _bucket, _sum or _count series of a histogram (or summary).
func exported(name string, live map[string]*family) bool {
	if _, ok := live[name]; ok {
		return true
	}
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		base, ok := strings.CutSuffix(name, suffix)
		if !ok {
			continue
		}
		if f := live[base]; f != nil && (f.typ == dto.MetricType_HISTOGRAM || suffix != "_bucket" && f.typ == dto.MetricType_SUMMARY) {
			return true
		}
	}
	return false
}

// missing lists, sorted, where the dashboard names a metric the live
// families lack.
func missing(exprs map[string]string, live map[string]*family) []string {
	var out []string
	for where, expr := range exprs {
		for _, name := range metricNames(expr) {
			if !exported(name, live) {
				out = append(out, fmt.Sprintf("%s: %s", where, name))
			}
		}
	}
	sort.Strings(out)
	return out
}

func TestDashboard(t *testing.T) {
	d := loadDashboard(t)
	if d.UID == "" || d.Title == "" {
		t.Fatal("the dashboard has no uid or title")
	}
	exprs := d.exprs()
	if len(exprs) < 10 {
		t.Fatalf("only %d queries: did the dashboard lose its panels?", len(exprs))
	}
	var dsVar bool
	for _, v := range d.Templating.List {
		dsVar = dsVar || v.Type == "datasource" && v.Query == "prometheus"
	}
	if !dsVar {
		t.Error("no Prometheus datasource variable: the dashboard cannot be imported into another Grafana")
	}
	for _, p := range d.Panels {
		if p.Type != "row" && (p.Datasource.Type != "prometheus" || p.Datasource.UID != "${datasource}") {
			t.Errorf("panel %q reads datasource %+v, not the ${datasource} variable", p.Title, p.Datasource)
		}
	}

	procs := startProcesses(t)
	var live map[string]*family
	// A process's first Redis round trips and closes come a moment after
	// it starts: scrape until every name shows, or report what lacks.
	deadline := time.Now().Add(10 * time.Second)
	for {
		live = scrape(t, procs)
		if len(missing(exprs, live)) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, m := range missing(exprs, live) {
		t.Errorf("%s is not in the /metrics of serve, host or matchmaker", m)
	}
	// Say which process exports what the dashboard reads.
	used := map[string][]string{}
	for _, expr := range exprs {
		for _, name := range metricNames(expr) {
			base := name
			for _, suffix := range []string{"_bucket", "_sum", "_count"} {
				if b, ok := strings.CutSuffix(name, suffix); ok && live[b] != nil {
					base = b
				}
			}
			if f := live[base]; f != nil {
				used[base] = f.from
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(used)) {
		t.Logf("%-45s %v", name, used[name])
	}

	// The check fails for a panel that names a metric no process has.
	if got := missing(map[string]string{"panel": "rate(skirmish_no_such_thing_total[5m]) / skirmish_players"}, live); len(got) != 1 {
		t.Errorf("a made-up metric was not reported missing: %v", got)
	}
}
