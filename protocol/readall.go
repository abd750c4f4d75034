package protocol

import (
	"errors"
	"io"
)

// AppendReadAll reads r to its end into buf[:0], reusing buf's capacity and
// growing it only when a message is bigger than any before, and returns the
// bytes read. Reaching io.EOF is success: the error is nil. Any other error
// is returned as is, with the bytes read before it.
//
// It is io.ReadAll for a buffer that lives across messages: a connection
// that reads each message with it allocates only while its largest message
// grows. It does no I/O of its own; bound r (a WebSocket read limit, an
// io.LimitReader) to bound the buffer.
func AppendReadAll(buf []byte, r io.Reader) ([]byte, error) {
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // let append pick the growth
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}
