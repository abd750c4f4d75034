package replay

import (
	"errors"
	"math"

	"github.com/skirmishgg/skirmish/protocol/msgp"
)

// Records are msgpack, written and read with package msgp (the protocol's
// codec); a recording's reads fail with errors wrapping ErrMalformed.

// ErrMalformed is wrapped by every error about bytes that are not a
// recording.
var ErrMalformed = errors.New("replay: malformed recording")

// recordErrors are the errors a record's reads fail with.
var recordErrors = msgp.NewErrors(ErrMalformed)

// reader reads one record's values.
type reader struct {
	msgp.Reader
}

func newReader(b []byte) *reader {
	return &reader{msgp.Reader{B: b, Errs: recordErrors}}
}

// ranged reads an integer in [lo, hi].
func (r *reader) ranged(lo, hi int64) int64 { return r.Int(lo, hi) }

// integer reads any integer that fits an int64.
func (r *reader) integer() int64 { return r.Int(math.MinInt64, math.MaxInt64) }

func (r *reader) str(limit int) string { return string(r.Str(limit)) }
