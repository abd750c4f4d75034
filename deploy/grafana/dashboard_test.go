// Package grafana holds the Grafana dashboard of Skirmish (skirmish.json)
// and its test: every metric its queries name must exist in a live
// /metrics of serve, host or matchmaker.
package grafana

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/redis/go-redis/v9"

	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/matchmaking/redisstore"
	"github.com/skirmishgg/skirmish/matchmaking/storetest"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/servertest"
	"github.com/skirmishgg/skirmish/server/setup"
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

// startProcesses runs serve, a host and a matchmaker (sharing a real
// redis-server) in-process on loopback, and returns their base URLs by
// name. Each is sent one bad connection, so its closes by code show.
func startProcesses(t *testing.T) map[string]string {
	t.Helper()
	serve := servertest.StartStack(t, setup.Options{Modes: arena.Modes(nil)})

	rd := storetest.StartRedis(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	open := func() *redis.Client {
		c, err := redisstore.Open(ctx, rd.URL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	key := filepath.Join(t.TempDir(), "token")
	if err := setup.WriteKeyPair(key, nil); err != nil {
		t.Fatal(err)
	}
	signer, err := setup.LoadTokenSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	mm, err := setup.NewMatchmaker(setup.MatchmakerOptions{Redis: open(), Signer: signer, Modes: arena.Modes(nil), Logger: servertest.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mm.Close(context.Background()) })
	tokens, err := setup.LoadTokenVerifier(key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	host, err := setup.NewHost(setup.HostOptions{Redis: open(), Tokens: tokens, Modes: arena.Modes(nil), HostID: "h1",
		PublicURL: "ws://h1.invalid/ws", TTL: 3 * time.Second, Server: server.Options{Logger: servertest.Logger()}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		host.Close(ctx)
	})
	procs := map[string]string{"serve": serve.HTTP}
	for name, h := range map[string]http.Handler{"matchmaker": mm.Handler, "host": host.Handler} {
		hs := httptest.NewServer(h)
		t.Cleanup(hs.Close)
		procs[name] = hs.URL
	}
	for _, name := range []string{"serve", "host"} {
		badClient(t, "ws"+strings.TrimPrefix(procs[name], "http")+"/ws")
	}
	return procs
}

// badClient connects and sends a message that is no Hello: the server
// closes it with a protocol error.
func badClient(t *testing.T, url string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if err := c.Write(ctx, websocket.MessageBinary, []byte{0xc1}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Read(ctx); websocket.CloseStatus(err) == -1 {
		t.Fatalf("a bad first message was not closed with a code: %v", err)
	}
}

// scrape reads every process's /metrics into one set of families.
func scrape(t *testing.T, procs map[string]string) map[string]*family {
	t.Helper()
	live := map[string]*family{}
	for _, name := range slices.Sorted(maps.Keys(procs)) {
		resp, err := http.Get(procs[name] + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		parser := expfmt.NewTextParser(model.UTF8Validation)
		fams, err := parser.TextToMetricFamilies(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("/metrics of %s: %v", name, err)
		}
		for n, f := range fams {
			if live[n] == nil {
				live[n] = &family{typ: f.GetType()}
			}
			live[n].from = append(live[n].from, name)
		}
	}
	return live
}
