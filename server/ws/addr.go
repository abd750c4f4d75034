package ws

import (
	"net"
	"net/http"
)

// RemoteIP is the address the player's connection came from (the TCP
// peer): admission caps the seats one address may hold with it
// (admission.Addressed).
func (s *session) RemoteIP() string { return s.ip }

// remoteIP is the host part of r's peer address.
func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
