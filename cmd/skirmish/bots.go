package main

import (
	"context"
	"fmt"
	"io"
)

// runBots is filled in by the bots work (client/bot).
func runBots(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "skirmish bots: not built yet")
	return 1
}
