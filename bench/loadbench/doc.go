// Package loadbench is Skirmish's capacity benchmark, the harness behind
// `skirmish loadbench` and `make bench-load`: it measures how many players
// one `skirmish serve` process holds under arena v1, the reference
// workload (16-player matches at 60 Hz, state at 20 Hz, bot inputs at
// 30 Hz), with and without interest management.
//
// Each step starts a fresh server as a child process on loopback (the
// given skirmish binary's serve command), plays headless bots (client/bot)
// against it over WebSocket, and measures the server from outside: its
// CPU time and memory from /proc, its tick and traffic figures from its
// Prometheus /metrics. It knows the server only across that process and
// network boundary. After each step the same bots play the floor
// (package floor, a bare epoll WebSocket server sending the same bytes,
// run as a child too: `skirmish loadbench -serve-floor`), and the report
// gives the server's CPU as a ratio to the floor's. The result is a
// markdown report (bench/results/ by default) that checks the figures
// against the capacity targets.
//
// ParseFlags reads the tool's command line into Options; Run runs the
// benchmark.
package loadbench
