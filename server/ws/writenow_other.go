//go:build !unix

package ws

import (
	"errors"
	"syscall"
)

// rawWriter writes nothing where a socket cannot portably be written
// without waiting: every batch is finished by a write that may wait.
type rawWriter struct{}

func newRawWriter(syscall.RawConn) *rawWriter { return nil }

func (*rawWriter) writeNow(b []byte) (int, error) { return 0, nil }

func writeFD(int, []byte) (int, error) { return 0, errors.ErrUnsupported }

func shutdownFD(int) {}
