package replay

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/skirmishgg/skirmish/game"
)

// PredictionSample is one line of a client's prediction log: at a
// snapshot, what the client had predicted for its own entity at the
// snapshot's tick, and what the snapshot said (client/clientnet keeps
// them; `skirmish replay -prediction LOG -against FILE` checks them).
type PredictionSample struct {
	Tick      uint32  `json:"tick"`      // the snapshot's server tick
	Seq       uint32  `json:"seq"`       // the last input the server had applied then (LastSeq)
	Player    uint32  `json:"player"`    // the client's player
	Predicted []int32 `json:"predicted"` // the predicted entity's fields
	Server    []int32 `json:"server"`    // the snapshot's
}

// WritePredictionLog writes samples as JSON lines.
func WritePredictionLog(w io.Writer, samples []PredictionSample) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	for i := range samples {
		if err := enc.Encode(&samples[i]); err != nil {
			return fmt.Errorf("replay: prediction log: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("replay: prediction log: %w", err)
	}
	return nil
}

// maxSamples bounds what ReadPredictionLog takes in.
const maxSamples = 1 << 20

// ReadPredictionLog reads a prediction log; a line that is not a sample
// is an error naming it.
func ReadPredictionLog(r io.Reader) ([]PredictionSample, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	var out []PredictionSample
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var s PredictionSample
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&s); err != nil {
			return nil, fmt.Errorf("replay: prediction log line %d: %w", line, err)
		}
		if len(s.Predicted) > game.MaxFields || len(s.Server) > game.MaxFields {
			return nil, fmt.Errorf("replay: prediction log line %d: more than %d fields", line, game.MaxFields)
		}
		if len(out) == maxSamples {
			return nil, fmt.Errorf("replay: prediction log: more than %d samples", maxSamples)
		}
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("replay: prediction log: %w", err)
	}
	return out, nil
}

// PredictionReport is what CheckPrediction found.
type PredictionReport struct {
	Samples int // in the log
	Checked int // at ticks the recording holds
	// Mismatches counts the samples whose prediction differs from the
	// re-simulated server; First is the earliest.
	Mismatches int
	First      *PredictionMismatch
	// ServerMismatches counts samples whose snapshot fields differ from
	// the re-simulation: the log is of another match, or a snapshot was
	// applied wrong. FirstServer is the earliest.
	ServerMismatches int
	FirstServer      *PredictionMismatch
}

// PredictionMismatch names a tick where the client and the server
// disagreed, and how.
type PredictionMismatch struct {
	Tick uint32
	// Seq is the input the client's snapshot said the server held;
	// ServerSeq the one the recording has the server hold at Tick.
	Seq, ServerSeq uint32
	// Fields differ: Recorded is the server's (re-simulated) value, Got
	// the client's.
	Fields []FieldDiff
}

func (m *PredictionMismatch) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "tick %d (server held input seq %d, the snapshot said %d):", m.Tick, m.ServerSeq, m.Seq)
	for _, f := range m.Fields {
		fmt.Fprintf(&b, "\n    %s %d field %s: server %d, client %d", f.Kind, f.Entity, f.Field, f.Recorded, f.Got)
	}
	return b.String()
}

// CheckPrediction re-simulates rec with rules and compares every sample of
// a client's prediction log with the player's entity at its tick.
func CheckPrediction(rec *Recording, rules game.Rules, samples []PredictionSample) (*PredictionReport, error) {
	p, err := NewReplayer(rec, rules)
	if err != nil {
		return nil, err
	}
	samples = slices.Clone(samples)
	slices.SortStableFunc(samples, func(a, b PredictionSample) int { return int(a.Tick) - int(b.Tick) })
	rep := &PredictionReport{Samples: len(samples)}
	kinds := rec.Header.Kinds()
	var view []game.Entity
	tick := uint32(0)
	for _, s := range samples {
		for tick < s.Tick {
			ok, err := p.Next()
			if err != nil {
				return nil, err
			}
			if !ok {
				return rep, nil
			}
			tick = p.Step().Tick
			view = view[:0]
		}
		if tick != s.Tick {
			continue // before the recording's first tick
		}
		if len(view) == 0 {
			view = p.World().AppendView(view)
		}
		i, found := slices.BinarySearchFunc(view, s.Player, func(e game.Entity, id uint32) int { return int(e.ID) - int(id) })
		if !found {
			continue
		}
		e := &view[i]
		if int(e.Kind) >= len(kinds) {
			continue
		}
		rep.Checked++
		held, _ := p.Input(game.PlayerID(s.Player))
		diff := func(fields []int32) *PredictionMismatch {
			var m *PredictionMismatch
			for f, name := range kinds[e.Kind].Fields {
				if f >= len(fields) || f >= game.MaxFields || fields[f] == e.Fields[f] {
					continue
				}
				if m == nil {
					m = &PredictionMismatch{Tick: s.Tick, Seq: s.Seq, ServerSeq: held.Seq}
				}
				m.Fields = append(m.Fields, FieldDiff{Entity: e.ID, Kind: kinds[e.Kind].Name, Field: name, Recorded: e.Fields[f], Got: fields[f]})
			}
			return m
		}
		if m := diff(s.Predicted); m != nil {
			rep.Mismatches++
			if rep.First == nil {
				rep.First = m
			}
		}
		if m := diff(s.Server); m != nil {
			rep.ServerMismatches++
			if rep.FirstServer == nil {
				rep.FirstServer = m
			}
		}
	}
	return rep, nil
}
