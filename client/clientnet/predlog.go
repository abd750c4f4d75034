package clientnet

import (
	"fmt"
	"os"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/replay"
)

// DefaultPredictionLog is how many reconciliations a prediction log
// written to ClientOptions.PredictionLog keeps: 20 minutes at 30
// snapshots a second.
const DefaultPredictionLog = 36000

// predLog is the prediction log: the newest reconciliations in a ring,
// each what was predicted for the player at a snapshot's tick and what the
// snapshot said (replay.PredictionSample). Its slots are reused, so
// logging allocates nothing once the ring is full.
type predLog struct {
	ring []replay.PredictionSample
	next int
	full bool
}

func (l *predLog) add(tick, seq uint32, predicted, server *protocol.Entity, kinds []protocol.KindSchema) {
	if len(l.ring) == 0 {
		return
	}
	n := game.MaxFields
	if int(server.Kind) < len(kinds) {
		n = min(n, len(kinds[server.Kind].Fields))
	}
	s := &l.ring[l.next]
	s.Tick, s.Seq, s.Player = tick, seq, server.ID
	s.Predicted = append(s.Predicted[:0], predicted.Fields[:n]...)
	s.Server = append(s.Server[:0], server.Fields[:n]...)
	if l.next++; l.next == len(l.ring) {
		l.next, l.full = 0, true
	}
}

// samples copies the log out, oldest first.
func (l *predLog) samples() []replay.PredictionSample {
	var out []replay.PredictionSample
	if l.full {
		out = append(out, l.ring[l.next:]...)
	}
	out = append(out, l.ring[:l.next]...)
	for i := range out { // the ring's slots are reused
		out[i].Predicted = append([]int32(nil), out[i].Predicted...)
		out[i].Server = append([]int32(nil), out[i].Server...)
	}
	return out
}

// PredictionLog returns the prediction log (PredictorOptions.Log), oldest
// first: `skirmish replay -prediction LOG -against RECORDING` names the
// ticks where it and the server disagreed. Any goroutine.
func (p *Predictor) PredictionLog() []replay.PredictionSample {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.samples()
}

// writePredictionLog writes the session's prediction log to
// ClientOptions.PredictionLog, if set, when the session ends.
func (c *Client) writePredictionLog() error {
	if c.o.PredictionLog == "" {
		return nil
	}
	c.mu.Lock()
	pred := c.pred
	c.mu.Unlock()
	if pred == nil {
		return nil
	}
	f, err := os.Create(c.o.PredictionLog)
	if err != nil {
		return fmt.Errorf("clientnet: prediction log: %w", err)
	}
	err = replay.WritePredictionLog(f, pred.PredictionLog())
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("clientnet: prediction log: %w", cerr)
	}
	return err
}

// PredictionLogErr is what went wrong writing ClientOptions.PredictionLog
// when the session ended; nil before then or when it was written.
func (c *Client) PredictionLogErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.predLogErr
}
