package main

import (
	"fmt"
	"io"
	"os"

	"github.com/skirmishgg/skirmish/replay"
)

// checkPrediction names where a client's prediction log and the recording
// of its match disagree: exit 1 when they do.
func checkPrediction(rec *replay.Recording, logPath string, stdout, stderr io.Writer) int {
	fail := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "skirmish replay: "+format+"\n", args...)
		return 1
	}
	f, err := os.Open(logPath)
	if err != nil {
		return fail("%v", err)
	}
	samples, err := replay.ReadPredictionLog(f)
	f.Close()
	if err != nil {
		return fail("%s: %v", logPath, err)
	}
	rules, err := recordedRules(&rec.Header)
	if err != nil {
		return fail("%v", err)
	}
	rep, err := replay.CheckPrediction(rec, rules, samples)
	if err != nil {
		return fail("%v", err)
	}
	if rep.Checked == 0 {
		return fail("none of the %d samples of %s is at a tick of this recording's player entities: another match?", rep.Samples, logPath)
	}
	fmt.Fprintf(stdout, "%d of %d samples checked against the re-simulated server\n", rep.Checked, rep.Samples)
	if rep.FirstServer != nil {
		fmt.Fprintf(stdout, "%d snapshots differ from the recording (another match, or a snapshot applied wrong); first at %v\n", rep.ServerMismatches, rep.FirstServer)
	}
	if rep.First == nil {
		fmt.Fprintln(stdout, "the prediction agreed with the server at every sample")
		if rep.FirstServer != nil {
			return 1
		}
		return 0
	}
	fmt.Fprintf(stdout, "the prediction disagreed with the server at %d samples; first at %v\n", rep.Mismatches, rep.First)
	return 1
}
