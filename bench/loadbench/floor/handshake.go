package floor

import (
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"strconv"
	"strings"
)

// maxRequest bounds an HTTP request head.
const maxRequest = 8 << 10

// websocketGUID is RFC 6455's constant for Sec-WebSocket-Accept.
const websocketGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// requestKind is what a complete request head asks for.
type requestKind int

const (
	reqIncomplete requestKind = iota // no blank line yet
	reqUpgrade                       // a valid WebSocket upgrade on /ws: switch
	reqHealth                        // GET /healthz: answer and close
	reqRefused                       // anything else: answer and close
)

// floorGuest is the guest identity the floor hands every bot.
const floorGuest = `{"player":"g_floor","token":"floor","expires":"2100-01-01T00:00:00Z"}`

// acceptKey is Sec-WebSocket-Accept for a Sec-WebSocket-Key.
func acceptKey(key string) string {
	h := sha1.New()
	h.Write([]byte(key))
	h.Write([]byte(websocketGUID))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// handshake reads an HTTP request head at the start of b and returns what
// it asks for, the response to send and the bytes the head took (0 while
// incomplete). Only GET /ws upgrades, GET /healthz and POST /v1/auth/guest
// are served; a head
// longer than maxRequest is refused.
func handshake(b []byte) (kind requestKind, resp []byte, n int) {
	end := bytes.Index(b, []byte("\r\n\r\n"))
	if end < 0 {
		if len(b) > maxRequest {
			return reqRefused, httpError("431 Request Header Fields Too Large", "request head too large"), len(b)
		}
		return reqIncomplete, nil, 0
	}
	n = end + 4
	lines := strings.Split(string(b[:end]), "\r\n")
	method, rest, _ := strings.Cut(lines[0], " ")
	target, proto, _ := strings.Cut(rest, " ")
	if !strings.HasPrefix(proto, "HTTP/1.") {
		return reqRefused, httpError("400 Bad Request", "not an HTTP/1 request"), n
	}
	path, _, _ := strings.Cut(target, "?")
	if method == "POST" && path == "/v1/auth/guest" {
		// The bots fetch a guest identity before they dial, as from
		// Skirmish; the floor checks none, so any well-formed one does.
		return reqHealth, []byte("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
			strconv.Itoa(len(floorGuest)) + "\r\nConnection: close\r\n\r\n" + floorGuest), n
	}
	if method != "GET" {
		return reqRefused, httpError("405 Method Not Allowed", "only GET, and POST /v1/auth/guest"), n
	}
	switch path {
	case "/healthz":
		return reqHealth, []byte("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"), n
	case "/ws":
	default:
		return reqRefused, httpError("404 Not Found", "the floor server serves /ws and /healthz"), n
	}
	var upgrade, connection, version, key string
	for _, line := range lines[1:] {
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return reqRefused, httpError("400 Bad Request", "malformed header line"), n
		}
		value = strings.TrimSpace(value)
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "upgrade":
			upgrade = value
		case "connection":
			connection = value
		case "sec-websocket-version":
			version = value
		case "sec-websocket-key":
			key = value
		}
	}
	switch {
	case !hasToken(upgrade, "websocket") || !hasToken(connection, "upgrade"):
		return reqRefused, httpError("426 Upgrade Required", "a WebSocket upgrade is required"), n
	case version != "13":
		return reqRefused, []byte("HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), n
	}
	if raw, err := base64.StdEncoding.DecodeString(key); err != nil || len(raw) != 16 {
		return reqRefused, httpError("400 Bad Request", "bad Sec-WebSocket-Key"), n
	}
	resp = []byte("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + acceptKey(key) + "\r\n\r\n")
	return reqUpgrade, resp, n
}

// hasToken reports whether a comma-separated header value lists token,
// ignoring case.
func hasToken(value, token string) bool {
	for part := range strings.SplitSeq(value, ",") {
		if strings.EqualFold(strings.TrimSpace(part), token) {
			return true
		}
	}
	return false
}

func httpError(status, msg string) []byte {
	return []byte("HTTP/1.1 " + status + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " +
		strconv.Itoa(len(msg)+1) + "\r\nConnection: close\r\n\r\n" + msg + "\n")
}
