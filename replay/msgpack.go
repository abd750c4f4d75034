package replay

import (
	"errors"
	"fmt"
	"math"

	"github.com/skirmishgg/skirmish/protocol/msgp"
)

// Records are msgpack, written and read with package msgp (the protocol's
// codec); a recording's reads fail with errors wrapping ErrMalformed.

// ErrMalformed is wrapped by every error about bytes that are not a
// recording.
var ErrMalformed = errors.New("replay: malformed recording")

var (
	errTruncated = fmt.Errorf("%w: truncated record", ErrMalformed)
	errLong      = fmt.Errorf("%w: length beyond the end of the record", ErrMalformed)
	recordErrors = msgp.Errors{
		Truncated: errTruncated,
		NotInt:    fmt.Errorf("%w: expected an integer", ErrMalformed),
		Range:     fmt.Errorf("%w: integer out of range", ErrMalformed),
		NotArray:  fmt.Errorf("%w: expected an array", ErrMalformed),
		NotStr:    fmt.Errorf("%w: expected a string", ErrMalformed),
		NotBin:    fmt.Errorf("%w: expected binary", ErrMalformed),
		NotBool:   fmt.Errorf("%w: expected a boolean", ErrMalformed),
		NotNil:    fmt.Errorf("%w: expected nil", ErrMalformed),
		Short:     errLong,
		ArrayLong: errLong,
		StrLong:   errLong,
	}
)

// reader reads one record's values.
type reader struct {
	msgp.Reader
}

func newReader(b []byte) *reader {
	return &reader{msgp.Reader{B: b, Errs: &recordErrors}}
}

// ranged reads an integer in [lo, hi].
func (r *reader) ranged(lo, hi int64) int64 { return r.Int(lo, hi) }

// integer reads any integer that fits an int64.
func (r *reader) integer() int64 { return r.Int(math.MinInt64, math.MaxInt64) }

func (r *reader) str(limit int) string { return string(r.Str(limit)) }
