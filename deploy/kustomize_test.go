package deploy

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// TestKustomizeBuild builds each overlay with kustomize (kubectl's) and
// checks that it yields exactly the objects this package's loader checks,
// each in the namespace skirmish: the loader follows the kustomizations
// the way kustomize does. It needs kubectl, which make deps does not
// install (Debian has no package for it); without it, it skips.
func TestKustomizeBuild(t *testing.T) {
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl not installed")
	}
	fsys := os.DirFS(".")
	dec, err := loadSchemas(fsys)
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range append(slices.Clone(overlays), "k8s/secrets") {
		t.Run(dir, func(t *testing.T) {
			out, err := exec.Command(kubectl, "kustomize", dir).Output()
			if err != nil {
				t.Fatalf("kubectl kustomize %s: %v", dir, err)
			}
			var built []string
			for _, doc := range docSep.Split(string(out), -1) {
				var o struct {
					Kind     string `json:"kind"`
					Metadata struct {
						Name      string `json:"name"`
						Namespace string `json:"namespace"`
					} `json:"metadata"`
				}
				if err := yaml.Unmarshal([]byte(doc), &o); err != nil {
					t.Fatal(err)
				}
				if o.Kind == "" {
					continue
				}
				if o.Kind != "Namespace" && o.Metadata.Namespace != "skirmish" {
					t.Errorf("%s %s: namespace %q, want skirmish", o.Kind, o.Metadata.Name, o.Metadata.Namespace)
				}
				built = append(built, o.Kind+"/"+o.Metadata.Name)
			}
			objs, errs := loadOverlay(fsys, dec, dir)
			for _, err := range errs {
				t.Fatal(err)
			}
			var loaded []string
			for _, o := range objs {
				loaded = append(loaded, o.kind+"/"+o.name)
			}
			slices.Sort(built)
			slices.Sort(loaded)
			if !slices.Equal(built, loaded) {
				t.Errorf("kustomize built\n  %s\nthe loader checked\n  %s", strings.Join(built, "\n  "), strings.Join(loaded, "\n  "))
			}
		})
	}
}
