// Command skirmish runs Skirmish: a match server (serve) and headless bot
// players that double as the load tool (bots).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `usage: skirmish <command> [flags]

commands:
  serve   run an all-in-one server: matches, WebSocket endpoint, health
  bots    run headless bot players against a server and report figures
  loadbench  measure server capacity under arena v1 (make bench-load)

Run 'skirmish <command> -h' for the flags of a command.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command line and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], stdout, stderr)
	case "bots":
		return runBots(ctx, args[1:], stdout, stderr)
	case "loadbench":
		return runLoadbench(ctx, args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "skirmish: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
}
