package servertest

import (
	"net"
	"net/http"
)

// HTTPClientFrom is an HTTP client whose connections come from the local
// address ip: on Linux all of 127.0.0.0/8 is loopback, so tests of
// per-address limits play "another player" from 127.0.0.2. Its idle
// connections close when the test's server does.
func HTTPClientFrom(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
}
