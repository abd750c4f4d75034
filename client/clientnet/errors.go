package clientnet

import "errors"

// Errors of this package; errors returned wrap one of them or an error of
// the protocol or WebSocket packages (use websocket.CloseStatus to read the
// close status a server sent).
var (
	// ErrUnexpected means the server sent a message that is not valid at
	// that point: anything but Welcome first, or a client-to-server type.
	ErrUnexpected = errors.New("clientnet: unexpected message")
	// ErrBaseMismatch means a delta snapshot's base is not the view the
	// replica holds.
	ErrBaseMismatch = errors.New("clientnet: snapshot base does not match the view")
	// ErrVersion means the server speaks another protocol version.
	ErrVersion = errors.New("clientnet: protocol version mismatch")
	// ErrAddress means a server address is not one a client can connect
	// to (see WebSocketURL).
	ErrAddress = errors.New("clientnet: not a server address")
	// ErrSpectator means a spectator's connection was asked to send an
	// input: the server would close it with 4002.
	ErrSpectator = errors.New("clientnet: a spectator sends no input")
)
