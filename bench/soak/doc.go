// Package soak is the long-run test of a server: it starts `skirmish
// serve` as a child, plays bots against it with churn (they join, leave,
// requeue, drop and resume) for a long while, samples the server's
// goroutines, heap, RSS and open descriptors from its admin /metrics
// every interval, and fails when they grew beyond stated bounds between
// the end of the warm-up and the end of the run: a leak.
package soak
