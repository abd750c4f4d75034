// Package deploy holds what operators deploy Skirmish with: the container
// image's build scripts (image/), Kubernetes and Agones manifests (k8s/,
// kustomize: base plus one of two host overlays), and Prometheus alert
// rules (prometheus/). It has no Go code of its own; its tests decode
// every manifest strictly into the official Kubernetes API types, check
// the Agones and Prometheus Operator objects against their CRD schemas
// (testdata/crds), and check the objects' cross-references. See README.md.
package deploy
