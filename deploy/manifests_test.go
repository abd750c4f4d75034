package deploy

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

// overlays are the deployable sets: the base with hosts one way or the other.
var overlays = []string{"k8s/agones", "k8s/deployment"}

// loadDeployable loads an overlay together with the Secrets, which are
// applied once on their own (k8s/secrets) but which the overlay uses.
func loadDeployable(fsys fs.FS, dec *decoder, dir string) ([]object, []error) {
	objs, errs := loadOverlay(fsys, dec, dir)
	s, serrs := loadOverlay(fsys, dec, "k8s/secrets")
	return append(objs, s...), append(errs, serrs...)
}

// checkTree loads and checks every overlay of a deploy tree.
func checkTree(fsys fs.FS, dec *decoder) []error {
	var errs []error
	for _, dir := range overlays {
		objs, lerrs := loadDeployable(fsys, dec, dir)
		errs = append(errs, lerrs...)
		if len(lerrs) == 0 {
			errs = append(errs, checkOverlay(objs)...)
		}
	}
	return errs
}

// TestManifests decodes every manifest of both overlays strictly (core
// kinds into k8s.io/api types, Agones and Prometheus Operator kinds
// against their CRD schemas) and checks their cross-references.
func TestManifests(t *testing.T) {
	fsys := os.DirFS(".")
	dec, err := loadSchemas(fsys)
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range checkTree(fsys, dec) {
		t.Error(err)
	}
	// Both overlays hold what the issue asks for.
	want := map[string][]string{
		"k8s/agones":     {"Namespace", "Secret", "StatefulSet", "Deployment", "Service", "PodDisruptionBudget", "ServiceMonitor", "PrometheusRule", "Fleet", "FleetAutoscaler"},
		"k8s/deployment": {"Namespace", "Secret", "StatefulSet", "Deployment", "Service", "PodDisruptionBudget", "ServiceMonitor", "PrometheusRule"},
	}
	for dir, kinds := range want {
		objs, _ := loadDeployable(fsys, dec, dir)
		for _, k := range kinds {
			if len(byKind(objs, k)) == 0 {
				t.Errorf("%s: no %s", dir, k)
			}
		}
		if dir == "k8s/agones" && len(byKind(objs, "Deployment")) != 1 {
			t.Errorf("%s: want only the matchmaker's Deployment, got %d", dir, len(byKind(objs, "Deployment")))
		}
	}
}

// TestBadManifests breaks one thing in a copy of the tree and expects the
// check to name it: a misspelt field in each kind of object, a bad enum, a
// broken cross-reference.
func TestBadManifests(t *testing.T) {
	tests := []struct {
		name, file, old, new string
		want                 string // in one of the errors
	}{
		{"core field misspelt", "k8s/deployment/hosts.yaml", "terminationGracePeriodSeconds: 390", "terminationGracePeriodSecond: 390", `unknown field "spec.template.spec.terminationGracePeriodSecond"`},
		{"container field misspelt", "k8s/base/matchmaker.yaml", "readOnlyRootFilesystem: true", "readOnlyRootFileSystem: true", `unknown field`},
		{"StatefulSet field misspelt", "k8s/base/redis.yaml", "volumeClaimTemplates:", "volumeClaimTemplate:", `unknown field "spec.volumeClaimTemplate"`},
		{"duplicate key", "k8s/base/namespace.yaml", "  name: skirmish\n", "  name: skirmish\n  name: other\n", `already set in map`},
		{"kustomization field misspelt", "k8s/base/kustomization.yaml", "resources:", "resource:", `unknown field "resource"`},
		{"file left out of kustomization", "k8s/base/kustomization.yaml", "  - redis.yaml\n", "", "redis.yaml is not in its resources"},
		{"Fleet field misspelt", "k8s/agones/fleet.yaml", "      counters:", "      countres:", `unknown field "countres"`},
		{"Fleet enum", "k8s/agones/fleet.yaml", "portPolicy: Static", "portPolicy: Statik", `Statik is not one of`},
		{"Fleet type", "k8s/agones/fleet.yaml", "periodSeconds: 5", "periodSeconds: five", `want an integer`},
		{"Fleet pod template misspelt", "k8s/agones/fleet.yaml", "terminationGracePeriodSeconds: 390", "terminationGracePeriod: 390", `unknown field "terminationGracePeriod"`},
		{"FleetAutoscaler required", "k8s/agones/fleetautoscaler.yaml", "      bufferSize: 512\n", "", `required field "bufferSize" missing`},
		{"FleetAutoscaler policy type", "k8s/agones/fleetautoscaler.yaml", "type: Counter", "type: Counters", `Counters is not one of`},
		{"FleetAutoscaler counter not in Fleet", "k8s/agones/fleetautoscaler.yaml", "key: players", "key: seats", `counter "seats" is not a Counter`},
		{"FleetAutoscaler fleet name", "k8s/agones/fleetautoscaler.yaml", "fleetName: skirmish-hosts", "fleetName: skirmish-host", `no such Fleet`},
		{"Fleet without the matches Counter", "k8s/agones/fleet.yaml", "        matches:\n          count: 0\n          capacity: 64\n", "", `no Counter "matches"`},
		{"Fleet host without -agones", "k8s/agones/fleet.yaml", "                - -agones\n", "", `-agones is for hosts`},
		{"ServiceMonitor field misspelt", "k8s/base/servicemonitors.yaml", "    - port: admin\n      path: /metrics\n      interval: 15s\n---", "    - prot: admin\n      path: /metrics\n      interval: 15s\n---", `unknown field "prot"`},
		{"ServiceMonitor port not on Service", "k8s/base/servicemonitors.yaml", "    - port: admin\n      path: /metrics\n      interval: 15s\n---", "    - port: metrics\n      path: /metrics\n      interval: 15s\n---", `endpoint port "metrics"`},
		{"PrometheusRule field misspelt", "prometheus/alerts.yaml", "          for: 15m\n          labels:\n            severity: warning\n          annotations:\n            summary: \"p99", "          fro: 15m\n          labels:\n            severity: warning\n          annotations:\n            summary: \"p99", `unknown field "fro"`},
		{"PrometheusRule bad duration", "prometheus/alerts.yaml", "          for: 15m\n          labels:\n            severity: warning\n          annotations:\n            summary: \"p99", "          for: 15 minutes\n          labels:\n            severity: warning\n          annotations:\n            summary: \"p99", `does not match`},
		{"grace shorter than the drain", "k8s/deployment/hosts.yaml", "terminationGracePeriodSeconds: 390", "terminationGracePeriodSeconds: 300", `shorter than -drain-timeout 6m0s + -shutdown-timeout 10s`},
		{"Agones grace shorter than the drain", "k8s/agones/fleet.yaml", "-drain-timeout=6m", "-drain-timeout=10m", `shorter than -drain-timeout 10m0s`},
		{"secret key", "k8s/base/matchmaker.yaml", "key: password", "key: passwd", `Secret "skirmish-redis" has no key "passwd"`},
		{"secret volume item", "k8s/deployment/hosts.yaml", "- key: token.pub", "- key: token.pem", `Secret "skirmish-token-key" has no key "token.pem"`},
		{"secret missing", "k8s/secrets/secrets.yaml", "  name: skirmish-redis\n", "  name: skirmish-redis-auth\n", `no Secret "skirmish-redis"`},
		{"secret name", "k8s/base/redis.yaml", "name: skirmish-redis\n                  key: password", "name: redis\n                  key: password", `no Secret "redis"`},
		{"env reference misspelt", "k8s/deployment/hosts.yaml", "-public-url=ws://$(NODE_IP):7090/ws", "-public-url=ws://$(NODE_ADDR):7090/ws", `uses $(NODE_ADDR)`},
		{"probe port", "k8s/deployment/hosts.yaml", "path: /readyz\n              port: game", "path: /readyz\n              port: gmae", `readiness probe port gmae`},
		{"Service selects nothing", "k8s/base/matchmaker.yaml", "  type: LoadBalancer\n  selector:\n    app.kubernetes.io/component: matchmaker", "  type: LoadBalancer\n  selector:\n    app.kubernetes.io/component: matchmakers", `selects no pod template`},
		{"Service target port", "k8s/base/metrics-services.yaml", "targetPort: admin\n---", "targetPort: metrics\n---", `target port metrics is not a port`},
		{"PDB selects nothing", "k8s/base/matchmaker.yaml", "  minAvailable: 1\n  selector:\n    matchLabels:\n      app.kubernetes.io/component: matchmaker", "  minAvailable: 1\n  selector:\n    matchLabels:\n      app.kubernetes.io/component: mm", `selects no pod template`},
		{"StatefulSet service", "k8s/base/redis.yaml", "serviceName: skirmish-redis", "serviceName: redis", `serviceName "redis": no such Service`},
		{"Deployment selector", "k8s/base/matchmaker.yaml", "  selector:\n    matchLabels:\n      app.kubernetes.io/component: matchmaker\n      app.kubernetes.io/part-of: skirmish\n  strategy:", "  selector:\n    matchLabels:\n      app.kubernetes.io/component: host\n      app.kubernetes.io/part-of: skirmish\n  strategy:", `does not select its own pod template`},
		{"unknown kind", "k8s/base/namespace.yaml", "kind: Namespace", "kind: Namespaces", `unknown apiVersion/kind "v1/Namespaces"`},
	}
	base := fstest.MapFS{}
	err := fs.WalkDir(os.DirFS("."), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		base[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	dec, err := loadSchemas(base)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fsys := fstest.MapFS{}
			for p, f := range base {
				fsys[p] = f
			}
			f, ok := base[tt.file]
			if !ok {
				t.Fatalf("no file %s", tt.file)
			}
			if n := strings.Count(string(f.Data), tt.old); n != 1 {
				t.Fatalf("%s holds %q %d times, want once (the case no longer breaks what it meant to)", tt.file, tt.old, n)
			}
			fsys[tt.file] = &fstest.MapFile{Data: []byte(strings.Replace(string(f.Data), tt.old, tt.new, 1))}
			errs := checkTree(fsys, dec)
			if len(errs) == 0 {
				t.Fatalf("no error; want one with %q", tt.want)
			}
			if !strings.Contains(errors.Join(errs...).Error(), tt.want) {
				t.Fatalf("errors do not mention %q:\n%v", tt.want, errors.Join(errs...))
			}
		})
	}
}
