package deploy

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// pendingFlags are flags the manifests use that other work in flight adds
// (issue 12 item 3: host -agones). Each is checked to be absent from the
// binary: once it lands, this test fails until its entry is removed.
var pendingFlags = map[string]string{}

// TestManifestFlags builds cmd/skirmish and checks every flag the
// manifests pass to it against the command's own -h: a misspelt flag
// would make the process exit 2 and the pod crash-loop. It builds the
// binary, so it is slow on a cold build cache: -short skips it (the
// Makefile's second go test line runs it).
func TestManifestFlags(t *testing.T) {
	if testing.Short() {
		t.Skip("builds cmd/skirmish")
	}
	bin := filepath.Join(t.TempDir(), "skirmish")
	build := exec.Command("go", "build", "-o", bin, "../cmd/skirmish")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	known := map[string]map[string]bool{} // command → flags
	flagsOf := func(cmd string) map[string]bool {
		if f, ok := known[cmd]; ok {
			return f
		}
		// -h prints the flags and exits 2 (flag.ErrHelp).
		out, _ := exec.Command(bin, cmd, "-h").CombinedOutput()
		f := map[string]bool{}
		for _, m := range helpFlag.FindAllStringSubmatch(string(out), -1) {
			f[m[1]] = true
		}
		if len(f) == 0 {
			t.Fatalf("skirmish %s -h lists no flags:\n%s", cmd, out)
		}
		known[cmd] = f
		return f
	}

	fsys := os.DirFS(".")
	dec, err := loadSchemas(fsys)
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, dir := range overlays {
		objs, errs := loadDeployable(fsys, dec, dir)
		for _, err := range errs {
			t.Fatal(err)
		}
		templates, errs := podTemplates(objs)
		for _, err := range errs {
			t.Fatal(err)
		}
		for _, p := range templates {
			for _, c := range p.spec.Containers {
				if !strings.HasPrefix(c.Image, "skirmish:") || len(c.Args) == 0 {
					continue
				}
				cmd := c.Args[0]
				for _, a := range c.Args[1:] {
					name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
					key := cmd + " -" + name
					used[key] = true
					if !strings.HasPrefix(a, "-") {
						t.Errorf("%s: container %s: argument %q is not a flag", p.owner, c.Name, a)
						continue
					}
					have := flagsOf(cmd)[name]
					why, pending := pendingFlags[key]
					switch {
					case have && pending:
						t.Errorf("%s: skirmish %s has -%s now; remove it from pendingFlags", p.owner, cmd, name)
					case pending:
						t.Logf("%s: skirmish %s -%s is not in this build yet (%s)", p.owner, cmd, name, why)
					case !have:
						t.Errorf("%s: container %s: skirmish %s has no flag -%s", p.owner, c.Name, cmd, name)
					}
				}
			}
		}
	}
	for key := range pendingFlags {
		if !used[key] {
			t.Errorf("pendingFlags: %q is not used by any manifest; remove it", key)
		}
	}
}

var helpFlag = regexp.MustCompile(`(?m)^  -([A-Za-z0-9][A-Za-z0-9-]*)`)
