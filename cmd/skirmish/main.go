// Command skirmish runs Skirmish: the all-in-one server (serve), the
// processes of a cluster (host, matchmaker, keygen), and headless bot
// players that double as the load tool (bots, loadbench). It parses flags
// and calls the packages that do the work (server/setup above all).
package main

import (
	"fmt"
	"io"
	"os"
	"syscall"

	"github.com/skirmishgg/skirmish/server/setup"
)

const usage = `usage: skirmish <command> [flags]

commands:
  serve   run an all-in-one server: matches, the embedded matchmaker, the browser client
  host    run a dedicated match host of a cluster (Redis, join tokens)
  matchmaker  run a matchmaker of a cluster (Redis): queue, placement, results
  bots    run headless bot players against a server and report figures
  loadbench  measure server capacity under arena v1 (make bench-load)
  soak    bots with churn against serve for a long while; fails on leaks (make soak)
  keygen  write an Ed25519 key pair for join tokens (-out FILE: FILE and FILE.pub)
  replay  read a match recording (-record): a summary, -verify re-simulates it

Run 'skirmish <command> -h' for the flags of a command.
`

func main() {
	stop, release := setup.NotifyStop(os.Interrupt, syscall.SIGTERM)
	code := run(stop, os.Args[1:], os.Stdout, os.Stderr)
	release()
	os.Exit(code)
}

// run executes one command line and returns the process exit code. A
// server drains when stop.Drain ends and stops at once when stop.Now ends;
// other commands stop at the first.
func run(stop setup.Stop, args []string, stdout, stderr io.Writer) int {
	ctx := stop.Drain
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return runServe(stop, args[1:], stdout, stderr)
	case "bots":
		return runBots(ctx, args[1:], stdout, stderr)
	case "host":
		return runHost(stop, args[1:], stdout, stderr)
	case "matchmaker":
		return runMatchmaker(stop, args[1:], stdout, stderr)
	case "keygen":
		return runKeygen(args[1:], stdout, stderr)
	case "loadbench":
		return runLoadbench(ctx, args[1:], stdout, stderr)
	case "soak":
		return runSoak(ctx, args[1:], stdout, stderr)
	case "replay":
		return runReplay(args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "skirmish: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
}
