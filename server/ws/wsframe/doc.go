// Package wsframe is the server side of RFC 6455 framing, without I/O: an
// incremental parser for the frames a client sends and the few server
// frames the game server writes (unmasked binary messages, pongs, close
// frames). The caller reads the socket; the parser takes each read's bytes
// and hands out the complete messages in it as slices of those bytes, masks
// undone in place. Its state between reads is a few words: the bytes of a
// frame cut by a read are kept only until the frame is complete, and
// fragments are assembled only for a fragmented message.
//
// Everything a server must refuse is a *CloseError with the close code the
// RFC asks for (1002 protocol error, 1007 invalid data, 1009 too big); the
// parser stops there.
package wsframe
