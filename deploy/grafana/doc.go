// Package grafana holds the Grafana dashboard of Skirmish (skirmish.json,
// a JSON model to import) and its tests: every metric its queries name
// must exist in a live /metrics of serve, host or matchmaker.
package grafana
