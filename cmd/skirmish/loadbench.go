package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/skirmishgg/skirmish/bench/loadbench"
)

// runLoadbench is `skirmish loadbench`: the capacity benchmark, which runs
// this binary's serve command as its server. Exit 1 means the harness
// failed, never a poor figure.
func runLoadbench(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	opts, err := loadbench.ParseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	} else if err != nil {
		fmt.Fprintf(stderr, "skirmish loadbench: %v\n", err)
		return 2
	}
	if err := loadbench.Run(ctx, opts, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "skirmish loadbench: %v\n", err)
		return 1
	}
	return 0
}
