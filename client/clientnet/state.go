package clientnet

import (
	"errors"
	"fmt"
	"net"
	"runtime"
	"time"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/protocol"
)

// State is where a Client's connection stands.
type State uint8

// States of a Client, in the order a session usually goes through them.
const (
	// StateConnecting: dialling for the first time.
	StateConnecting State = iota + 1
	// StateConnected: past the handshake; snapshots flow.
	StateConnected
	// StateReconnecting: the connection was lost (or a dial failed) and
	// the Client waits before dialling again, with the seat's resume token.
	StateReconnecting
	// StateClosed: for good; StateChange.Err says why.
	StateClosed
	// StateStalled: connected, but no snapshot for
	// ClientOptions.StallAfter; StateChange.Since is when the last one
	// came. Nothing is sent meanwhile. The next snapshot returns to
	// StateConnected (with Recovered set); a long silence
	// (ClientOptions.StallReconnect) to StateReconnecting.
	StateStalled
)

func (s State) String() string {
	switch s {
	case StateConnecting:
		return "connecting"
	case StateConnected:
		return "connected"
	case StateReconnecting:
		return "reconnecting"
	case StateClosed:
		return "closed"
	case StateStalled:
		return "stalled"
	}
	return fmt.Sprintf("State(%d)", uint8(s))
}

// StateChange reports a Client's new state and what led to it.
type StateChange struct {
	State State
	At    time.Time // local time of the change

	// Reconnecting: the failed dials since the last connection (1 for the
	// wait right after a drop) and the wait before the next dial.
	Attempt int
	Delay   time.Duration

	// Reconnecting: when the last connection ended (or stalled, when a
	// stall made the Client give up on it). Stalled: when the last
	// snapshot arrived.
	Since time.Time

	// Reconnecting: what dropped the connection or failed the dial.
	// Closed: why the Client stopped: a final close from the server (use
	// websocket.CloseStatus: 1000 after a MatchEnd, 1008, 4000, 4004...),
	// the context's error, ErrClientClosed after Close, or the last error
	// when MaxAttempts ran out.
	Err error

	// Connected: the player and match, and whether the connection took
	// back the seat of the previous one (same player ID, same match).
	Player  uint32
	Match   string
	Resumed bool
	// Connected: snapshots flow again on the same connection after
	// StateStalled.
	Recovered bool
}

// Errors of a Client.
var (
	// ErrClientClosed is the reason of a Client stopped by Close.
	ErrClientClosed = errors.New("clientnet: client closed")
	// ErrNotConnected is returned by Client.SendInput and Ping while no
	// connection is up.
	ErrNotConnected = errors.New("clientnet: not connected")
	// ErrGaveUp wraps the last error when ClientOptions.MaxAttempts dials
	// in a row failed.
	ErrGaveUp = errors.New("clientnet: gave up reconnecting")
	// ErrSeatLost wraps the server's refusal of a resume: the seat, or
	// the whole match, is gone (it was released, the server restarted,
	// the host died). Reconnecting cannot take it back: join anew.
	ErrSeatLost = errors.New("clientnet: seat lost")
	// ErrStalled is returned by Client.SendInput and Ping while the
	// connection is stalled (StateStalled), and is what ends a connection
	// the Client gave up on after ClientOptions.StallReconnect.
	ErrStalled = errors.New("clientnet: connection stalled")
	// ErrRefused wraps a dial that reached the server and was closed
	// before the Welcome: the server refused the player.
	ErrRefused = errors.New("clientnet: refused")
)

// finalClose reports whether a close status from the server ends the
// session for good: reconnecting cannot help (the match is over, the
// client broke the protocol, its version is not spoken) or
// must not be done automatically (a newer connection took the seat: two
// clients of one player must not take it from each other in turn).
func finalClose(code websocket.StatusCode) bool {
	switch code {
	case protocol.CloseNormal, protocol.CloseBadVersion,
		protocol.CloseUnsupportedData, protocol.CloseInvalidPayload, protocol.CloseTooBig,
		protocol.CloseUnknownType, protocol.CloseUnexpected, protocol.CloseBadResume,
		protocol.CloseReplaced, protocol.CloseBadIdentity, protocol.CloseUnknownMatch:
		return true
	}
	return false
}

// finalDialError reports whether a failed dial means this server cannot be
// played with, whatever the retries.
func finalDialError(err error) bool {
	return errors.Is(err, ErrVersion) || errors.Is(err, ErrUnexpected) || finalClose(websocket.CloseStatus(err))
}

// seatRefused reports whether a failed resume dial means the seat is gone
// for good: the server refused the resume token (4004) or the join token
// (4005: for example a match the host does not know, after a restart).
// Browsers do not hand the close status of a handshake over to Go (the
// WebSocket library reports a closed connection), so there a connection
// the server accepted and then closed before the Welcome counts too.
func seatRefused(err error) bool {
	switch websocket.CloseStatus(err) {
	case protocol.CloseBadResume, protocol.CloseBadToken:
		return true
	case -1:
		return runtime.GOOS == "js" && errors.Is(err, ErrRefused) && errors.Is(err, net.ErrClosed)
	}
	return false
}
