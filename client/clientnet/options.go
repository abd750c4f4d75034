package clientnet

import "time"

// Defaults of DialOptions.
const (
	DefaultHandshakeTimeout       = 5 * time.Second
	DefaultReadLimit        int64 = 1 << 20
)

// DialOptions configures Dial. A nil *DialOptions, and every zero field,
// takes the default documented on the field.
type DialOptions struct {
	// Name is the display name sent in Hello. Default "": the server picks
	// one.
	Name string

	// Resume is a token from an earlier Welcome, to take back a seat held
	// after a disconnect. Default "": a new seat.
	Resume string

	// Identity is the player's identity token, sent in Hello (see
	// Identity and Guest). Servers refuse a Hello without a valid one
	// (close 4007).
	Identity string

	// Spectate, when set, is the ID of a running match to watch instead
	// of playing: Dial sends Spectate rather than Hello, and the Conn's
	// Welcome is made from the server's Watching (player 0: no player of
	// its own, no resume token). Its snapshots run Conn.SpectateDelay
	// behind the match; it must send no Input. Default "": play.
	Spectate string

	// NativeDialOptions holds the knobs only native builds have (the
	// WebSocket handshake's HTTP header and client; see
	// NativeDialOptions). In browsers (GOOS=js) it is empty: a page cannot
	// set handshake headers or pick an HTTP client, and naming
	// *http.Client here would link net/http's whole client into the wasm.
	// Its fields are promoted: o.HTTPClient reads it; a struct literal
	// names it, DialOptions{NativeDialOptions: NativeDialOptions{...}}.
	NativeDialOptions

	// HandshakeTimeout bounds Dial as a whole: connecting, the WebSocket
	// upgrade, sending Hello and waiting for Welcome. Default 5s.
	HandshakeTimeout time.Duration

	// ReadLimit is the largest server message accepted, in bytes; a larger
	// one ends the connection with close status 1009. Default 1 MiB.
	ReadLimit int64

	// Now is the clock used for round-trip times. Default time.Now.
	Now func() time.Time

	// OnRTT, when set, is called with every input→ack round-trip sample:
	// the time from sending the input with sequence number seq to receiving
	// the first snapshot whose LastSeq is at least seq. It runs on the
	// goroutine calling Next and must not block. Default none; Stats keeps
	// a summary either way.
	OnRTT func(seq uint32, rtt time.Duration)
}

// withDefaults returns a copy of o with every default filled in.
func (o *DialOptions) withDefaults() DialOptions {
	var c DialOptions
	if o != nil {
		c = *o
	}
	if c.HandshakeTimeout <= 0 {
		c.HandshakeTimeout = DefaultHandshakeTimeout
	}
	if c.ReadLimit <= 0 {
		c.ReadLimit = DefaultReadLimit
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}
