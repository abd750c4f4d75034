package deploy

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// pendingMetrics are metrics the alerts use that other work in flight adds
// (issue 12 item 5). Each is checked to be absent from the code: once it
// lands, this test fails until its entry is removed, so the list cannot
// rot and hide a misspelt name.
var pendingMetrics = map[string]string{}

// TestAlerts checks deploy/prometheus/alerts.yaml against the code: every
// metric an expression uses is registered by a Skirmish process (a
// histogram where the expression reads _bucket), every job it names is a
// metrics Service of the manifests, and every runbook link points at a
// heading of docs/OPERATIONS.md.
func TestAlerts(t *testing.T) {
	fsys := os.DirFS(".")
	dec, err := loadSchemas(fsys)
	if err != nil {
		t.Fatal(err)
	}
	objs, errs := decodeFile(fsys, dec, "prometheus/alerts.yaml")
	for _, err := range errs {
		t.Fatal(err)
	}
	rules := byKind(objs, "PrometheusRule")
	if len(rules) != 1 {
		t.Fatalf("want one PrometheusRule, got %d", len(rules))
	}
	source := goSource(t, "..")
	services := map[string]bool{}
	base, _ := loadOverlay(fsys, dec, "k8s/base")
	for _, o := range byKind(base, "Service") {
		services[o.typed.(*corev1.Service).Name] = true
	}
	anchors := markdownAnchors(t, "../docs/OPERATIONS.md")

	groups, _ := field(rules[0].raw, "spec", "groups").([]any)
	alerts := 0
	for _, g := range groups {
		rs, _ := field(g, "rules").([]any)
		for _, r := range rs {
			alert, _ := field(r, "alert").(string)
			expr, _ := field(r, "expr").(string)
			alerts++
			for _, m := range metricRef.FindAllString(expr, -1) {
				checkMetric(t, alert, m, source)
			}
			for _, j := range jobRef.FindAllStringSubmatch(expr, -1) {
				if !services[j[1]] {
					t.Errorf("%s: job %q is not a Service of deploy/k8s/base", alert, j[1])
				}
			}
			if sev, _ := field(r, "labels", "severity").(string); sev != "critical" && sev != "warning" && sev != "info" {
				t.Errorf("%s: severity %q, want critical, warning or info", alert, sev)
			}
			url, _ := field(r, "annotations", "runbook_url").(string)
			_, anchor, ok := strings.Cut(url, "docs/OPERATIONS.md#")
			if !ok || !anchors[anchor] {
				t.Errorf("%s: runbook_url %q is not a heading of docs/OPERATIONS.md", alert, url)
			}
		}
	}
	if alerts == 0 {
		t.Fatal("no alerts")
	}
	for name := range pendingMetrics {
		if !strings.Contains(string(alertsText(t)), name) {
			t.Errorf("pendingMetrics: %s is not used by any alert; remove it", name)
		}
	}
}

var (
	metricRef = regexp.MustCompile(`\bskirmish_[a-z_]+`)
	jobRef    = regexp.MustCompile(`job="([^"]+)"`)
)

// checkMetric reports a metric the code does not register.
func checkMetric(t *testing.T, alert, name string, source map[string]string) {
	t.Helper()
	base, hist := strings.CutSuffix(name, "_bucket")
	found := false
	for _, text := range source {
		if !strings.Contains(text, `"`+base+`"`) {
			continue
		}
		// A histogram's file makes one: prometheus.NewHistogram(Vec) with
		// the name, or a collector's MustNewConstHistogram with its Desc.
		if !hist || strings.Contains(text, "Histogram") {
			found = true
			break
		}
	}
	why, pending := pendingMetrics[name]
	switch {
	case found && pending:
		t.Errorf("%s: %s is in the code now; remove it from pendingMetrics", alert, name)
	case pending:
		t.Logf("%s: %s is not in the code yet (%s)", alert, name, why)
	case !found && hist:
		t.Errorf("%s: %s: no histogram %s is registered in the code", alert, name, base)
	case !found:
		t.Errorf("%s: metric %s is not registered anywhere in the code", alert, name)
	}
}

// goSource returns the module's non-test Go files, by path.
func goSource(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == ".git" || d.Name() == "bin") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(p)
		out[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// markdownAnchors returns the GitHub anchors of a Markdown file's headings.
func markdownAnchors(t *testing.T, file string) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "#") {
			continue
		}
		h := strings.ToLower(strings.TrimSpace(strings.TrimLeft(line, "#")))
		var a strings.Builder
		for _, r := range h {
			switch {
			case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
				a.WriteRune(r)
			case r == ' ':
				a.WriteRune('-')
			}
		}
		out[a.String()] = true
	}
	return out
}

func alertsText(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("prometheus/alerts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return b
}
