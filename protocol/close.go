package protocol

import "unicode/utf8"

// WebSocket close codes the server uses, and what each means to a client.
// Codes below 4000 are standard (RFC 6455); 4000-4099 are Skirmish's own.
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
	CloseReplaced         = 4006 // a newer connection resumed this seat
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
