//go:build !unix

package server

import "syscall"

// writeNow writes nothing where the socket cannot be written without
// waiting portably: every batch is finished by a write that may wait.
func writeNow(raw syscall.RawConn, b []byte) (int, error) { return 0, nil }
