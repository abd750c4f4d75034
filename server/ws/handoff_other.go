//go:build !linux

package ws

import "sync/atomic"

// loopConn is an event loop's side of a connection: there is no event
// loop here (evloop_linux.go), every connection is read on its own
// goroutine and nothing is ever parked.
type loopConn struct {
	outPending atomic.Bool // never set: writeLooped runs only on a loop
}

type loops struct{}

func (*loopConn) park() {}

func (h *Handler) handOver(*session) bool { return false }

func (h *Handler) stopLoops() {}
