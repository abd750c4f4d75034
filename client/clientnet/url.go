package clientnet

import (
	"fmt"
	"net/url"
	"strings"
)

// WebSocketURL turns a server address, as a player types it or a flag
// gives it, into the server's WebSocket endpoint: surrounding spaces are
// trimmed, a bare "host:port" gets ws://, http becomes ws and https wss,
// and a URL without a path (or with "/") gets /ws. A ws or wss URL with a
// path is kept as it is. Errors wrap ErrAddress.
func WebSocketURL(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", fmt.Errorf("%w: empty", ErrAddress)
	}
	if !strings.Contains(s, "://") {
		s = "ws://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrAddress, err)
	}
	switch u.Scheme {
	case "ws", "wss":
	case "http":
		u.Scheme = "ws"
	case "https":
		u.Scheme = "wss"
	default:
		return "", fmt.Errorf("%w: scheme %q: want ws, wss, http or https", ErrAddress, u.Scheme)
	}
	if u.Host == "" {
		return "", fmt.Errorf("%w: %q has no host", ErrAddress, s)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/ws"
	}
	return u.String(), nil
}
