//go:build unix

package ws

import (
	"errors"
	"syscall"
)

// rawWriter writes to a socket without waiting: one attempt, never parked
// on the poller. Its write function is made once, so a write allocates
// nothing.
type rawWriter struct {
	raw syscall.RawConn
	fn  func(fd uintptr) bool
	b   []byte
	n   int
	err error
}

func newRawWriter(raw syscall.RawConn) *rawWriter {
	w := &rawWriter{raw: raw}
	w.fn = w.write
	return w
}

func (w *rawWriter) write(fd uintptr) bool {
	for {
		w.n, w.err = syscall.Write(int(fd), w.b)
		if w.err != syscall.EINTR {
			return true // done either way: never wait for writability
		}
	}
}

// writeNow writes as much of b as the socket takes at once. Not safe for
// concurrent use: batchConn.mu guards it.
func (w *rawWriter) writeNow(b []byte) (int, error) {
	w.b = b
	err := w.raw.Write(w.fn)
	n, werr := w.n, w.err
	w.b, w.err = nil, nil
	if err != nil {
		return 0, err
	}
	if errors.Is(werr, syscall.EAGAIN) {
		return 0, nil
	}
	return max(n, 0), werr
}

// writeFD makes one write to a non-blocking socket outside Go's poller
// (an event loop's): EAGAIN is no error, just nothing written.
func writeFD(fd int, b []byte) (int, error) {
	for {
		n, err := syscall.Write(fd, b)
		switch err {
		case nil:
			return n, nil
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			return 0, nil
		}
		return 0, err
	}
}

// shutdownFD shuts a socket down both ways: the peer gets its FIN, and
// its event loop a hang-up, while the descriptor stays the loop's to close.
func shutdownFD(fd int) { syscall.Shutdown(fd, syscall.SHUT_RDWR) }
