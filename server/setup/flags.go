package setup

import (
	"fmt"
	"net"
	"os"

	"github.com/skirmishgg/skirmish/server/match"
)

// PublicURL is a host's default URL for the directory (a dedicated host's
// -public-url): the address it listens on, with the machine's name in
// place of an unspecified IP, so that players on other machines can reach
// it (set -public-url when a proxy or another name stands in front). The
// embedded host of serve is reached as "here" by its own players.
func PublicURL(addr net.Addr) string { return publicURL(addr, "ws") }

// PublicTLSURL is PublicURL for a listener that serves TLS: wss://.
func PublicTLSURL(addr net.Addr) string { return publicURL(addr, "wss") }

func publicURL(addr net.Addr, scheme string) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return scheme + "://" + addr.String() + "/ws"
	}
	name, err := os.Hostname()
	if err != nil || name == "" {
		name = "localhost"
	}
	return fmt.Sprintf("%s://%s/ws", scheme, net.JoinHostPort(name, fmt.Sprint(tcp.Port)))
}

// ParseView reads a -view flag: WIDTHxHEIGHT in world units, or "all"
// (nil: no interest management). Entity positions are in view units,
// viewUnitsPerUnit to a world unit.
func ParseView(v string, viewUnitsPerUnit int32) (*match.Interest, error) {
	if v == "all" {
		return nil, nil
	}
	var w, h int32
	if _, err := fmt.Sscanf(v, "%dx%d", &w, &h); err != nil || w <= 0 || h <= 0 {
		return nil, fmt.Errorf("%q: want WIDTHxHEIGHT in world units, for example 2000x1200, or all", v)
	}
	return &match.Interest{HalfWidth: w * viewUnitsPerUnit / 2, HalfHeight: h * viewUnitsPerUnit / 2}, nil
}
