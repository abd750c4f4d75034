package protocol

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// CloseCode is a WebSocket close code (RFC 6455, section 7.4), as it
// travels in a close frame.
type CloseCode int

// WebSocket close codes the server uses, and what each means to a client.
// Codes below 4000 are standard (RFC 6455); 4000-4099 are Skirmish's own.
// They are untyped, so they compare with a WebSocket library's own code
// type as well as with CloseCode.
const (
	CloseNormal          = 1000 // the match is over, or the client said goodbye
	CloseGoingAway       = 1001 // the server is shutting down or draining
	CloseUnsupportedData = 1003 // a text frame: the protocol is binary only
	CloseInvalidPayload  = 1007 // the message is not valid msgpack of the protocol
	ClosePolicyViolation = 1008 // input flood, or too slow to take reliable events
	CloseTooBig          = 1009 // the message is larger than the read limit
	CloseInternalError   = 1011 // a bug on the server's side
	CloseTryAgainLater   = 1013 // no capacity: no match has a free seat

	CloseBadVersion       = 4000 // Hello's version is not one the server speaks
	CloseUnknownType      = 4001 // the message type is not defined
	CloseUnexpected       = 4002 // a defined message sent at the wrong time
	CloseHandshakeTimeout = 4003 // no Hello in time
	CloseBadResume        = 4004 // the resume token is not valid (or expired)
	CloseBadToken         = 4005 // no join token, or one this host refuses (expired, reused, forged, unknown match)
	CloseReplaced         = 4006 // a newer connection resumed this seat, or queued for the same identity
	CloseBadIdentity      = 4007 // no identity token, or one the server refuses (forged, expired, another key): get one (POST /v1/auth/guest) and retry
	CloseUnknownMatch     = 4010 // Spectate names no match this server runs, or one that takes no spectators
)

// MaxCloseReason is the most bytes a close frame's reason may hold.
const MaxCloseReason = 123

// Truncate cuts s to at most n bytes without splitting a UTF-8 sequence:
// for close reasons (MaxCloseReason) and other bounded texts.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// CloseError is a close the protocol decided on: the code and reason a
// connection is (or was) closed with.
type CloseError struct {
	Code   CloseCode
	Reason string
}

func (e CloseError) Error() string {
	return fmt.Sprintf("close %d: %s", e.Code, e.Reason)
}

// Refuse returns a CloseError whose reason is the formatted text, cut to
// what a close frame holds.
func Refuse(code CloseCode, format string, args ...any) CloseError {
	return CloseError{Code: code, Reason: Truncate(fmt.Sprintf(format, args...), MaxCloseReason)}
}

// CloseStatus returns the code of the CloseError in err's chain, or -1 when
// there is none.
func CloseStatus(err error) CloseCode {
	var ce CloseError
	if errors.As(err, &ce) {
		return ce.Code
	}
	return -1
}
