//go:build !linux

package floor

import (
	"context"
	"errors"
	"io"
)

// Serve needs Linux's epoll: elsewhere it says so.
func Serve(ctx context.Context, o *Options, stdout io.Writer) error {
	return errors.New("floor: the reference server needs Linux (epoll); run loadbench with -floor=false here")
}
