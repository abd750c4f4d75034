package clientnet

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/protocol"
)

// Dial connects to a Skirmish server's WebSocket endpoint (for example
// ws://localhost:8080/ws; http and https URLs work too), sends Hello and
// waits for Welcome. ctx bounds the whole handshake, as does
// opts.HandshakeTimeout.
//
// When the server refuses the player (a bad version, no free seat, ...) it
// closes the connection; the returned error then wraps the
// websocket.CloseError, so websocket.CloseStatus(err) gives the status, for
// example protocol.CloseBadVersion.
func Dial(ctx context.Context, url string, opts *DialOptions) (*Conn, error) {
	o := opts.withDefaults()
	hctx, cancel := context.WithTimeout(ctx, o.HandshakeTimeout)
	defer cancel()

	ws, err := dialSocket(hctx, url, &o)
	if err != nil {
		return nil, fmt.Errorf("clientnet: dial %s: %w", url, err)
	}
	ws.SetReadLimit(o.ReadLimit)
	welcome, buf, delay, err := handshake(hctx, ws, &o)
	if err != nil {
		if ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("clientnet: handshake: no welcome within %v: %w", o.HandshakeTimeout, err)
		}
		ws.CloseNow()
		return nil, err
	}
	c := newConn(ws, &o, welcome, buf)
	c.spectateDelay = delay
	return c, nil
}

// handshake sends Hello and reads Welcome (or sends Spectate and reads
// Watching, returned as a Welcome, and its delay), returning the read
// buffer for reuse.
func handshake(ctx context.Context, ws socket, o *DialOptions) (protocol.Welcome, []byte, time.Duration, error) {
	if o.Spectate != "" {
		return spectateHandshake(ctx, ws, o)
	}
	w, buf, err := helloHandshake(ctx, ws, o)
	return w, buf, 0, err
}

func helloHandshake(ctx context.Context, ws socket, o *DialOptions) (protocol.Welcome, []byte, error) {
	var w protocol.Welcome
	hello := protocol.Hello{Version: protocol.Version, Name: o.Name, Resume: o.Resume, Identity: o.Identity}
	if err := ws.Write(ctx, websocket.MessageBinary, hello.Append(nil)); err != nil {
		return w, nil, fmt.Errorf("clientnet: handshake: send hello: %w", err)
	}
	buf, typ, err := readAnswer(ctx, ws)
	if err != nil {
		return w, buf, err
	}
	if typ != protocol.MsgWelcome {
		ws.Close(protocol.CloseUnexpected, "expected welcome")
		return w, buf, fmt.Errorf("%w: message type %d instead of welcome", ErrUnexpected, typ)
	}
	if err := w.Decode(buf); err != nil {
		ws.Close(protocol.CloseInvalidPayload, "bad welcome")
		return w, buf, fmt.Errorf("clientnet: handshake: decode welcome: %w", err)
	}
	if w.Version != protocol.Version {
		ws.Close(websocket.StatusNormalClosure, "unsupported version")
		return w, buf, fmt.Errorf("%w: server speaks %d, this client %d", ErrVersion, w.Version, protocol.Version)
	}
	return w, buf, nil
}

// readAnswer reads the server's answer to a Hello or Spectate and returns
// its type; a refusal (a Bye, a close) is an error wrapping ErrRefused.
func readAnswer(ctx context.Context, ws socket) ([]byte, protocol.MsgType, error) {
	buf, err := readMessage(ctx, ws, make([]byte, 0, 4096))
	if err != nil {
		if _, ok := errors.AsType[websocket.CloseError](err); ok || errors.Is(err, net.ErrClosed) {
			return buf, 0, fmt.Errorf("clientnet: handshake: %w: %w", ErrRefused, err)
		}
		return buf, 0, fmt.Errorf("clientnet: handshake: %w", err)
	}
	typ, err := protocol.PeekType(buf)
	if err != nil {
		ws.Close(protocol.CloseInvalidPayload, "bad welcome")
		return buf, 0, fmt.Errorf("clientnet: handshake: %w", err)
	}
	if typ == protocol.MsgBye {
		// A refusal (4004, 4005, 4010, 1001…): the Bye says which, then
		// the close frame follows.
		var bye protocol.Bye
		if err := bye.Decode(buf); err != nil {
			ws.Close(protocol.CloseInvalidPayload, "bad bye")
			return buf, 0, fmt.Errorf("clientnet: handshake: decode bye: %w", err)
		}
		ws.CloseNow()
		return buf, 0, fmt.Errorf("clientnet: handshake: %w: %w", ErrRefused, byeError(bye, net.ErrClosed))
	}
	return buf, typ, nil
}

// spectateHandshake sends Spectate and reads Watching, returned as the
// Welcome of a connection with no player.
func spectateHandshake(ctx context.Context, ws socket, o *DialOptions) (protocol.Welcome, []byte, time.Duration, error) {
	sp := protocol.Spectate{Version: protocol.Version, Match: o.Spectate, Token: o.Identity}
	if err := ws.Write(ctx, websocket.MessageBinary, sp.Append(nil)); err != nil {
		return protocol.Welcome{}, nil, 0, fmt.Errorf("clientnet: handshake: send spectate: %w", err)
	}
	buf, typ, err := readAnswer(ctx, ws)
	if err != nil {
		return protocol.Welcome{}, buf, 0, err
	}
	if typ != protocol.MsgWatching {
		ws.Close(protocol.CloseUnexpected, "expected watching")
		return protocol.Welcome{}, buf, 0, fmt.Errorf("%w: message type %d instead of watching", ErrUnexpected, typ)
	}
	var w protocol.Watching
	if err := w.Decode(buf); err != nil {
		ws.Close(protocol.CloseInvalidPayload, "bad watching")
		return protocol.Welcome{}, buf, 0, fmt.Errorf("clientnet: handshake: decode watching: %w", err)
	}
	if w.Version != protocol.Version {
		ws.Close(websocket.StatusNormalClosure, "unsupported version")
		return protocol.Welcome{}, buf, 0, fmt.Errorf("%w: server speaks %d, this client %d", ErrVersion, w.Version, protocol.Version)
	}
	welcome := protocol.Welcome{Version: w.Version, Match: w.Match, TickRate: w.TickRate, SnapshotRate: w.SnapshotRate, Kinds: w.Kinds, Static: w.Static}
	return welcome, buf, time.Duration(w.DelayMs) * time.Millisecond, nil
}

// readMessage reads the next message into buf[:0], growing it as needed,
// and returns it. A text message is refused: the protocol is binary only.
func readMessage(ctx context.Context, ws socket, buf []byte) ([]byte, error) {
	typ, r, err := ws.Reader(ctx)
	if err != nil {
		return buf[:0], err
	}
	buf, err = protocol.AppendReadAll(buf, r)
	if err != nil {
		return buf, err
	}
	if typ != websocket.MessageBinary {
		ws.Close(protocol.CloseUnsupportedData, "text frames are not supported")
		return buf, fmt.Errorf("%w: a text frame", ErrUnexpected)
	}
	return buf, nil
}

// byeError is the error of a connection the server ended with a Bye: it
// wraps the Bye's code and reason as the close frame's, so that
// websocket.CloseStatus reads them even where the socket hides the frame.
func byeError(bye protocol.Bye, err error) error {
	return fmt.Errorf("%w (%w)", websocket.CloseError{Code: websocket.StatusCode(bye.Code), Reason: bye.Reason}, err)
}
