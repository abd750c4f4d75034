package deploy

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// pods is one pod template of a workload: a Deployment's, a StatefulSet's
// or an Agones Fleet's GameServer pod.
type pods struct {
	owner     object
	labels    map[string]string
	spec      corev1.PodSpec
	portNames map[string]bool // named ports of every container (and Agones' GameServer ports)
	ports     map[int32]bool
}

// podTemplates returns every pod template of objs. An Agones Fleet's pod
// template is decoded strictly into corev1.PodTemplateSpec too, on top of
// the CRD schema check.
func podTemplates(objs []object) ([]pods, []error) {
	var out []pods
	var errs []error
	add := func(o object, t corev1.PodTemplateSpec, extra map[string]int32) {
		p := pods{owner: o, labels: t.Labels, spec: t.Spec, portNames: map[string]bool{}, ports: map[int32]bool{}}
		for _, c := range t.Spec.Containers {
			for _, cp := range c.Ports {
				if cp.Name != "" {
					p.portNames[cp.Name] = true
				}
				p.ports[cp.ContainerPort] = true
			}
		}
		for n, port := range extra {
			p.portNames[n] = true
			p.ports[port] = true
		}
		out = append(out, p)
	}
	for _, o := range objs {
		switch w := o.typed.(type) {
		case *appsv1.Deployment:
			add(o, w.Spec.Template, nil)
		case *appsv1.StatefulSet:
			add(o, w.Spec.Template, nil)
		}
		if o.kind == "Fleet" {
			var t corev1.PodTemplateSpec
			if err := strictJSON(field(o.raw, "spec", "template", "spec", "template"), &t); err != nil {
				errs = append(errs, fmt.Errorf("%s: the GameServer's pod template: %w", o, err))
				continue
			}
			var gsPorts []struct {
				Name          string `json:"name"`
				ContainerPort int32  `json:"containerPort"`
			}
			if err := looseJSON(field(o.raw, "spec", "template", "spec", "ports"), &gsPorts); err != nil {
				errs = append(errs, fmt.Errorf("%s: ports: %w", o, err))
			}
			extra := map[string]int32{}
			for _, p := range gsPorts {
				extra[p.Name] = p.ContainerPort
			}
			// The GameServer's labels reach its pod too.
			t.Labels = mergeLabels(t.Labels, stringMap(field(o.raw, "spec", "template", "metadata", "labels")))
			add(o, t, extra)
		}
	}
	return out, errs
}

// checkOverlay checks the cross-references of one deployable set of
// objects (a kustomize overlay with its base): what the API server cannot
// catch and a cluster would only show at run time.
func checkOverlay(objs []object) []error {
	var errs []error
	bad := func(o object, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{o}, args...)...))
	}
	templates, perrs := podTemplates(objs)
	errs = append(errs, perrs...)

	secrets := map[string]map[string]bool{}
	for _, o := range byKind(objs, "Secret") {
		s := o.typed.(*corev1.Secret)
		keys := map[string]bool{}
		for k := range s.StringData {
			keys[k] = true
		}
		for k := range s.Data {
			keys[k] = true
		}
		secrets[s.Name] = keys
	}
	services := map[string]*corev1.Service{}
	for _, o := range byKind(objs, "Service") {
		services[o.name] = o.typed.(*corev1.Service)
	}

	// Workloads: the selector selects the template.
	for _, o := range objs {
		var sel *metav1.LabelSelector
		var tl map[string]string
		switch w := o.typed.(type) {
		case *appsv1.Deployment:
			sel, tl = w.Spec.Selector, w.Spec.Template.Labels
		case *appsv1.StatefulSet:
			sel, tl = w.Spec.Selector, w.Spec.Template.Labels
			svc, ok := services[w.Spec.ServiceName]
			switch {
			case !ok:
				bad(o, "serviceName %q: no such Service", w.Spec.ServiceName)
			case svc.Spec.ClusterIP != corev1.ClusterIPNone:
				bad(o, "serviceName %q is not headless", w.Spec.ServiceName)
			}
		default:
			continue
		}
		if !selects(sel, tl) {
			bad(o, "selector %v does not select its own pod template %v", sel, tl)
		}
	}

	// Services select pods, and their named target ports exist there.
	for _, o := range byKind(objs, "Service") {
		svc := o.typed.(*corev1.Service)
		if len(svc.Spec.Selector) == 0 {
			continue
		}
		var matched []pods
		for _, p := range templates {
			if labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(p.labels)) {
				matched = append(matched, p)
			}
		}
		if len(matched) == 0 {
			bad(o, "selector %v selects no pod template", svc.Spec.Selector)
		}
		for _, sp := range svc.Spec.Ports {
			for _, p := range matched {
				if !hasPort(p, sp.TargetPort, sp.Port) {
					bad(o, "port %q: target port %s is not a port of %s", sp.Name, sp.TargetPort.String(), p.owner)
				}
			}
		}
	}

	// Disruption budgets and network policies select something.
	for _, o := range objs {
		var sel *metav1.LabelSelector
		switch w := o.typed.(type) {
		case *policyv1.PodDisruptionBudget:
			sel = w.Spec.Selector
		case *networkingv1.NetworkPolicy:
			sel = &w.Spec.PodSelector
		default:
			continue
		}
		if !slices.ContainsFunc(templates, func(p pods) bool { return selects(sel, p.labels) }) {
			bad(o, "selector %v selects no pod template", sel)
		}
	}

	// Pods: secrets, probes, $(VAR) references, grace periods.
	for _, p := range templates {
		o := p.owner
		for _, v := range p.spec.Volumes {
			if v.Secret == nil {
				continue
			}
			keys, ok := secrets[v.Secret.SecretName]
			if !ok {
				bad(o, "volume %q: no Secret %q", v.Name, v.Secret.SecretName)
			}
			for _, it := range v.Secret.Items {
				if ok && !keys[it.Key] {
					bad(o, "volume %q: Secret %q has no key %q", v.Name, v.Secret.SecretName, it.Key)
				}
			}
		}
		for _, c := range p.spec.Containers {
			env := map[string]bool{}
			for _, e := range c.Env {
				env[e.Name] = true
				if r := e.ValueFrom; r != nil && r.SecretKeyRef != nil {
					keys, ok := secrets[r.SecretKeyRef.Name]
					switch {
					case !ok:
						bad(o, "env %s: no Secret %q", e.Name, r.SecretKeyRef.Name)
					case !keys[r.SecretKeyRef.Key]:
						bad(o, "env %s: Secret %q has no key %q", e.Name, r.SecretKeyRef.Name, r.SecretKeyRef.Key)
					}
				}
			}
			// Kubernetes leaves an undefined $(VAR) as it is: a typo
			// would reach the process as a literal.
			for _, a := range slices.Concat(c.Command, c.Args) {
				for _, m := range varRef.FindAllStringSubmatch(a, -1) {
					if !env[m[1]] {
						bad(o, "container %s: %q uses $(%s), which is not in its env", c.Name, a, m[1])
					}
				}
			}
			for what, pr := range map[string]*corev1.Probe{"readiness": c.ReadinessProbe, "liveness": c.LivenessProbe, "startup": c.StartupProbe} {
				if pr == nil {
					continue
				}
				var port intstr.IntOrString
				switch {
				case pr.HTTPGet != nil:
					port = pr.HTTPGet.Port
				case pr.TCPSocket != nil:
					port = pr.TCPSocket.Port
				default:
					continue
				}
				if !hasPort(p, port, -1) {
					bad(o, "container %s: %s probe port %s is not one of its ports", c.Name, what, port.String())
				}
			}
			drain, shutdown := flagDuration(c.Args, "drain-timeout"), flagDuration(c.Args, "shutdown-timeout")
			if drain > 0 || shutdown > 0 {
				grace := 30 * time.Second // Kubernetes' default
				if g := p.spec.TerminationGracePeriodSeconds; g != nil {
					grace = time.Duration(*g) * time.Second
				}
				if grace < drain+shutdown {
					bad(o, "container %s: terminationGracePeriodSeconds %v is shorter than -drain-timeout %v + -shutdown-timeout %v: Kubernetes would kill it mid-drain", c.Name, grace, drain, shutdown)
				}
			}
		}
	}

	// ServiceMonitors select a Service with the port they scrape.
	for _, o := range byKind(objs, "ServiceMonitor") {
		sel := labels.SelectorFromSet(stringMap(field(o.raw, "spec", "selector", "matchLabels")))
		var matched []*corev1.Service
		for _, svc := range services {
			if sel.Matches(labels.Set(svc.Labels)) {
				matched = append(matched, svc)
			}
		}
		if len(matched) == 0 {
			bad(o, "selector selects no Service")
		}
		eps, _ := field(o.raw, "spec", "endpoints").([]any)
		for _, ep := range eps {
			port, _ := field(ep, "port").(string)
			for _, svc := range matched {
				if !slices.ContainsFunc(svc.Spec.Ports, func(sp corev1.ServicePort) bool { return sp.Name == port }) {
					bad(o, "endpoint port %q is not a port of Service %s", port, svc.Name)
				}
			}
		}
	}

	// A FleetAutoscaler scales a Fleet, on a Counter that Fleet declares.
	for _, o := range byKind(objs, "FleetAutoscaler") {
		name, _ := field(o.raw, "spec", "fleetName").(string)
		i := slices.IndexFunc(objs, func(f object) bool { return f.kind == "Fleet" && f.name == name })
		if i < 0 {
			bad(o, "fleetName %q: no such Fleet", name)
			continue
		}
		if key, ok := field(o.raw, "spec", "policy", "counter", "key").(string); ok && field(objs[i].raw, "spec", "template", "spec", "counters", key) == nil {
			bad(o, "counter %q is not a Counter of Fleet %s", key, name)
		}
	}

	// Hosts under Agones: -agones, and the Counters the host keeps.
	for _, o := range byKind(objs, "Fleet") {
		for _, c := range []string{"players", "matches"} {
			if field(o.raw, "spec", "template", "spec", "counters", c) == nil {
				bad(o, "no Counter %q (skirmish host -agones keeps it current)", c)
			}
		}
	}
	for _, p := range templates {
		for _, c := range p.spec.Containers {
			if len(c.Args) == 0 || c.Args[0] != "host" {
				continue
			}
			if agones := slices.Contains(c.Args, "-agones"); agones != (p.owner.kind == "Fleet") {
				bad(p.owner, "container %s: -agones is for hosts in an Agones Fleet, and every one there needs it", c.Name)
			}
		}
	}
	return errs
}

var varRef = regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_]*)\)`)

// flagDuration returns the value of -name=DURATION in args, 0 if absent.
func flagDuration(args []string, name string) time.Duration {
	for _, a := range args {
		for _, prefix := range []string{"-" + name + "=", "--" + name + "="} {
			if v, ok := strings.CutPrefix(a, prefix); ok {
				d, err := time.ParseDuration(v)
				if err != nil {
					return -1
				}
				return d
			}
		}
	}
	return 0
}

func selects(sel *metav1.LabelSelector, set map[string]string) bool {
	if sel == nil {
		return false
	}
	s, err := metav1.LabelSelectorAsSelector(sel)
	return err == nil && !s.Empty() && s.Matches(labels.Set(set))
}

// hasPort reports whether a port reference (a name or a number) names a
// container port of p; servicePort is what an unset targetPort defaults to.
func hasPort(p pods, ref intstr.IntOrString, servicePort int32) bool {
	switch {
	case ref.Type == intstr.String:
		return p.portNames[ref.StrVal]
	case ref.IntVal == 0:
		return p.ports[servicePort]
	default:
		return p.ports[ref.IntVal]
	}
}

func stringMap(v any) map[string]string {
	m, _ := v.(map[string]any)
	out := map[string]string{}
	for k, x := range m {
		out[k], _ = x.(string)
	}
	return out
}

func mergeLabels(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
