package clientnet

import (
	"context"
	"io"
	"time"

	"github.com/coder/websocket"
)

// socket is the WebSocket a Conn talks over: the WebSocket library's Conn
// or, in a browser, a socket a Web Worker runs (socket_js.go).
type socket interface {
	Reader(ctx context.Context) (websocket.MessageType, io.Reader, error)
	Write(ctx context.Context, typ websocket.MessageType, p []byte) error
	Close(code websocket.StatusCode, reason string) error
	CloseNow() error
	SetReadLimit(n int64)
}

// stampedSocket is a socket that knows when the message last read came in
// off the network, which may be well before the reader got to it: a
// browser page's only thread can be busy drawing a frame meanwhile.
type stampedSocket interface {
	// receivedAgo is how long ago the last message read arrived.
	receivedAgo() time.Duration
}
