package floor

import (
	"errors"
	"fmt"
)

// Options is one floor server.
type Options struct {
	// Addr is the TCP address to listen on, host:port (port 0: any); Serve
	// prints "skirmish: listening on ADDR" once it listens, as serve does.
	Addr string
	// FrameBytes is the size of each snapshot frame, WebSocket header
	// included: Skirmish's bytes out per snapshot sent.
	FrameBytes int
	// SnapshotRate is snapshots a second; MatchSize is players a match
	// (matches fill in order, as Skirmish's do without matchmaking).
	SnapshotRate, MatchSize int
}

func (o *Options) validate() error {
	if o.Addr == "" {
		return errors.New("floor: no address")
	}
	if o.SnapshotRate < 1 || o.SnapshotRate > tickRate || tickRate%o.SnapshotRate != 0 {
		return fmt.Errorf("floor: snapshot rate %d: want a divisor of %d", o.SnapshotRate, tickRate)
	}
	if o.MatchSize < 1 {
		return fmt.Errorf("floor: match size %d: want at least 1", o.MatchSize)
	}
	if p := snapshotPayload(o.FrameBytes); p < snapshotOverhead || p > maxTemplatePayload {
		return fmt.Errorf("floor: snapshot frames of %d bytes: want %d to %d", o.FrameBytes, snapshotOverhead+2, maxTemplatePayload+4)
	}
	return nil
}
