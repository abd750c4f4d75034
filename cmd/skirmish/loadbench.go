package main

import (
	"context"
	"io"

	"github.com/skirmishgg/skirmish/bench/loadbench"
)

// runLoadbench is `skirmish loadbench`: the capacity benchmark, which runs
// this binary's serve command as its server.
func runLoadbench(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return loadbench.Run(ctx, args, stdout, stderr)
}
