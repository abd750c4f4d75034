package deploy

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

// object is one decoded manifest document.
type object struct {
	file       string // path in the deploy tree
	apiVersion string
	kind       string
	name       string
	typed      any            // the official API type, for core kinds
	raw        map[string]any // the document, for CRD kinds
}

func (o object) String() string { return fmt.Sprintf("%s %s (%s)", o.kind, o.name, o.file) }

// coreKinds are the Kubernetes kinds the manifests may use, each decoded
// strictly into its k8s.io/api type.
var coreKinds = map[string]func() any{
	"v1/Namespace":                       func() any { return &corev1.Namespace{} },
	"v1/Secret":                          func() any { return &corev1.Secret{} },
	"v1/Service":                         func() any { return &corev1.Service{} },
	"apps/v1/Deployment":                 func() any { return &appsv1.Deployment{} },
	"apps/v1/StatefulSet":                func() any { return &appsv1.StatefulSet{} },
	"policy/v1/PodDisruptionBudget":      func() any { return &policyv1.PodDisruptionBudget{} },
	"networking.k8s.io/v1/NetworkPolicy": func() any { return &networkingv1.NetworkPolicy{} },
}

// crdKinds are the custom resources the manifests may use, each checked
// against the openAPIV3Schema saved in testdata/crds (see README.md).
var crdKinds = map[string]string{
	"agones.dev/v1/Fleet":                       "fleets.agones.dev",
	"autoscaling.agones.dev/v1/FleetAutoscaler": "fleetautoscalers.autoscaling.agones.dev",
	"monitoring.coreos.com/v1/ServiceMonitor":   "servicemonitors.monitoring.coreos.com",
	"monitoring.coreos.com/v1/PrometheusRule":   "prometheusrules.monitoring.coreos.com",
}

// kustomization is the part of a kustomization.yaml the manifests use;
// anything else in one is an error (strict decoding).
type kustomization struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Namespace  string   `json:"namespace,omitempty"`
	Resources  []string `json:"resources"`
}

var docSep = regexp.MustCompile(`(?m)^---[ \t]*$`)

// decoder decodes manifest files against the saved CRD schemas. It keeps
// what it decoded by file and content, so the table of broken trees
// decodes only the file each case changes.
type decoder struct {
	crds  map[string]*schema // by CRD name
	mu    sync.Mutex
	files map[string]decoded // by path and content
}

type decoded struct {
	objs []object
	errs []error
}

// loadSchemas reads the saved CRD schemas.
func loadSchemas(fsys fs.FS) (*decoder, error) {
	out := map[string]*schema{}
	for _, name := range crdKinds {
		b, err := fs.ReadFile(fsys, "testdata/crds/"+name+".json")
		if err != nil {
			return nil, err
		}
		var s schema
		if err := json.Unmarshal(b, &s); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name] = &s
	}
	return &decoder{crds: out, files: map[string]decoded{}}, nil
}

// loadOverlay follows a kustomization's resources (files and directories
// with their own kustomization.yaml) and decodes every document, strictly.
// It also fails on a YAML file in a kustomization's directory that no
// kustomization lists: a manifest that would silently not be deployed.
func loadOverlay(fsys fs.FS, dec *decoder, dir string) ([]object, []error) {
	var objs []object
	var errs []error
	seen := map[string]bool{}
	var visit func(dir string)
	visit = func(dir string) {
		if seen[dir] {
			return
		}
		seen[dir] = true
		kfile := path.Join(dir, "kustomization.yaml")
		b, err := fs.ReadFile(fsys, kfile)
		if err != nil {
			errs = append(errs, err)
			return
		}
		var k kustomization
		if err := yaml.UnmarshalStrict(b, &k); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", kfile, err))
			return
		}
		if k.APIVersion != "kustomize.config.k8s.io/v1beta1" || k.Kind != "Kustomization" {
			errs = append(errs, fmt.Errorf("%s: apiVersion/kind %s/%s", kfile, k.APIVersion, k.Kind))
		}
		listed := map[string]bool{}
		for _, r := range k.Resources {
			p := path.Join(dir, r)
			st, err := fs.Stat(fsys, p)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: resource %s: %w", kfile, r, err))
				continue
			}
			if st.IsDir() {
				visit(p)
				continue
			}
			listed[path.Base(p)] = true
			o, e := decodeFile(fsys, dec, p)
			objs = append(objs, o...)
			errs = append(errs, e...)
		}
		entries, _ := fs.ReadDir(fsys, dir)
		for _, e := range entries {
			if n := e.Name(); strings.HasSuffix(n, ".yaml") && n != "kustomization.yaml" && !listed[n] {
				errs = append(errs, fmt.Errorf("%s: %s is not in its resources", kfile, n))
			}
		}
	}
	visit(dir)
	return objs, errs
}

// decodeFile decodes every document of one manifest file.
func decodeFile(fsys fs.FS, dec *decoder, file string) ([]object, []error) {
	b, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, []error{err}
	}
	key := file + "\x00" + string(b)
	dec.mu.Lock()
	d, ok := dec.files[key]
	dec.mu.Unlock()
	if ok {
		return d.objs, d.errs
	}
	var objs []object
	var errs []error
	defer func() {
		dec.mu.Lock()
		dec.files[key] = decoded{objs, errs}
		dec.mu.Unlock()
	}()
	for i, doc := range docSep.Split(string(b), -1) {
		o, err := decodeDoc(dec, fmt.Sprintf("%s#%d", file, i), []byte(doc))
		switch {
		case err != nil:
			errs = append(errs, err...)
		case o != nil:
			objs = append(objs, *o)
		}
	}
	return objs, errs
}

// decodeDoc decodes one document: nil for an empty one (comments only).
func decodeDoc(dec *decoder, where string, doc []byte) (*object, []error) {
	var raw map[string]any
	if err := yaml.UnmarshalStrict(doc, &raw); err != nil {
		return nil, []error{fmt.Errorf("%s: %w", where, err)}
	}
	if raw == nil {
		return nil, nil
	}
	o := &object{file: where, raw: raw}
	o.apiVersion, _ = raw["apiVersion"].(string)
	o.kind, _ = raw["kind"].(string)
	gvk := o.apiVersion + "/" + o.kind
	if newT, ok := coreKinds[gvk]; ok {
		o.typed = newT()
		if err := strictJSON(raw, newT()); err != nil {
			return nil, []error{fmt.Errorf("%s: %s: %w", where, gvk, err)}
		}
		if err := yaml.UnmarshalStrict(doc, o.typed); err != nil {
			return nil, []error{fmt.Errorf("%s: %s: %w", where, gvk, err)}
		}
		o.name = o.typed.(metav1.Object).GetName()
		return o, nil
	}
	crd, ok := crdKinds[gvk]
	if !ok {
		return nil, []error{fmt.Errorf("%s: unknown apiVersion/kind %q", where, gvk)}
	}
	// metadata is the API server's ObjectMeta, not part of the CRD schema.
	var meta metav1.ObjectMeta
	if err := strictJSON(raw["metadata"], &meta); err != nil {
		return nil, []error{fmt.Errorf("%s: metadata: %w", where, err)}
	}
	o.name = meta.Name
	body := map[string]any{}
	for k, v := range raw {
		if k != "apiVersion" && k != "kind" && k != "metadata" {
			body[k] = v
		}
	}
	if errs := dec.crds[crd].validate(o.kind, body); len(errs) > 0 {
		for i := range errs {
			errs[i] = fmt.Errorf("%s: %s schema: %w", where, crd, errs[i])
		}
		return nil, errs
	}
	return o, nil
}

// strictJSON re-decodes a decoded YAML value into a typed one as the API
// server does: field names case-sensitive, unknown fields rejected, each
// named with its path. (yaml.UnmarshalStrict goes through encoding/json,
// which takes "readOnlyRootFileSystem" for readOnlyRootFilesystem.)
func strictJSON(v any, into any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	strict, err := kjson.UnmarshalStrict(b, into, kjson.DisallowUnknownFields, kjson.DisallowDuplicateFields)
	if err != nil {
		return err
	}
	return errors.Join(strict...)
}

// field digs a value out of a decoded document by keys.
func field(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func byKind(objs []object, kind string) []object {
	return slices.DeleteFunc(slices.Clone(objs), func(o object) bool { return o.kind != kind })
}

// looseJSON re-decodes a decoded YAML value into a typed one, taking only
// the fields the type has (the schema has checked the rest).
func looseJSON(v any, into any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, into)
}
