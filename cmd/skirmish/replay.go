package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/replay"
)

// runReplay reads a match recording: a summary, or with -verify a
// re-simulation that checks every hash and names the first divergent tick,
// entity and field (exit 1 on a mismatch).
func runReplay(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("skirmish replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: skirmish replay [-verify] FILE.skrec\n       skirmish replay -prediction LOG -against FILE.skrec\n\n")
		fs.PrintDefaults()
	}
	verify := fs.Bool("verify", false, "re-simulate the match and check every recorded hash; on a mismatch name the first divergent tick, entity and field, and exit 1")
	prediction := fs.String("prediction", "", "a client's prediction log (SKIRMISH_PREDICTION_LOG) to check against the recording named by -against")
	against := fs.String("against", "", "the recording to check -prediction against")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := func(code int, format string, args ...any) int {
		fmt.Fprintf(stderr, "skirmish replay: "+format+"\n", args...)
		return code
	}
	file := *against
	switch {
	case *prediction != "" && (*against == "" || fs.NArg() > 0 || *verify):
		return fail(2, "-prediction takes -against FILE and no other argument")
	case *prediction == "" && *against != "":
		return fail(2, "-against goes with -prediction")
	case *prediction == "" && fs.NArg() != 1:
		fs.Usage()
		return 2
	case *prediction == "":
		file = fs.Arg(0)
	}
	rec, err := readRecording(file)
	if err != nil {
		return fail(1, "%v", err)
	}
	if *prediction != "" {
		return checkPrediction(rec, *prediction, stdout, stderr)
	}
	if !*verify {
		fmt.Fprint(stdout, replay.Summary(rec))
		if fi, err := os.Stat(file); err == nil {
			fmt.Fprintf(stdout, "size      %d bytes", fi.Size())
			if pm := replay.PlayerMinutes(rec); pm > 0 {
				fmt.Fprintf(stdout, ", %.0f per player-minute", float64(fi.Size())/pm)
			}
			fmt.Fprintln(stdout)
		}
		return 0
	}
	rules, err := recordedRules(&rec.Header)
	if err != nil {
		return fail(1, "%v", err)
	}
	rep, err := replay.Verify(rec, rules)
	if err != nil {
		return fail(1, "%v", err)
	}
	if !rep.OK() {
		if rep.Divergence != nil {
			fmt.Fprintf(stdout, "MISMATCH after %d matching ticks: %v\n", rep.Ticks-1, rep.Divergence)
		}
		if rep.Outcome != "" {
			fmt.Fprintf(stdout, "MISMATCH in the outcome: %s\n", rep.Outcome)
		}
		if rep.State != "" {
			fmt.Fprintf(stdout, "MISMATCH in a state checkpoint: %s\n", rep.State)
		}
		return 1
	}
	note := ""
	if !rec.Complete() {
		note = " (the recording is incomplete: checked up to where it stops)"
	}
	fmt.Fprintf(stdout, "verified %s: %d ticks and %d checkpoints match, %d states restore to their hashes%s\n", file, rep.Ticks, rep.Checkpoints, rep.States, note)
	return 0
}

func readRecording(path string) (*replay.Recording, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rec, err := replay.Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return rec, nil
}

// recordedRules finds the rules a recording was made with: the arena mode
// it names (as serve and host offer them), or for direct play the arena
// with its seat count. replay.Verify checks the fingerprint.
func recordedRules(h *replay.Header) (game.Rules, error) {
	if h.Game != "arena" {
		return nil, fmt.Errorf("the recording is of game %q; this build replays the arena", h.Game)
	}
	return arena.ModeRules(h.Mode, h.MaxPlayers)
}
