//go:build unix

package server

import (
	"errors"
	"syscall"
)

// writeNow writes as much of b as the socket takes without waiting: one
// attempt, never parked on the poller.
func writeNow(raw syscall.RawConn, b []byte) (int, error) {
	var n int
	var werr error
	err := raw.Write(func(fd uintptr) bool {
		for {
			n, werr = syscall.Write(int(fd), b)
			if werr != syscall.EINTR {
				return true // done either way: never wait for writability
			}
		}
	})
	if err != nil {
		return 0, err
	}
	if errors.Is(werr, syscall.EAGAIN) {
		return 0, nil
	}
	return max(n, 0), werr
}
