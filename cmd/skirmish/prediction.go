package main

import (
	"fmt"
	"io"

	"github.com/skirmishgg/skirmish/replay"
)

// checkPrediction names where a client's prediction log and the recording
// of its match disagree.
func checkPrediction(rec *replay.Recording, logPath string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "skirmish replay: -prediction is not built yet")
	return 1
}
