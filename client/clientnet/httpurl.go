package clientnet

import (
	"fmt"
	"net/url"
	"strings"
)

// siteURL is the HTTP address of path on the server whose game endpoint
// is gameURL (ws://host:port/ws, path /v1/matches →
// http://host:port/v1/matches): the server's other routes sit beside its
// game endpoint. Errors wrap ErrAddress.
func siteURL(gameURL, path string) (string, error) {
	u, err := url.Parse(gameURL)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("%w: %q", ErrAddress, gameURL)
	}
	switch u.Scheme {
	case "ws":
		u.Scheme = "http"
	case "wss":
		u.Scheme = "https"
	}
	u.Path = strings.TrimSuffix(u.Path, "/ws") + path
	u.RawPath, u.RawQuery, u.Fragment = "", "", ""
	return u.String(), nil
}
