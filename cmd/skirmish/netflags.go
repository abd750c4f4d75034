package main

import (
	"flag"
	"fmt"
	"net"

	"github.com/skirmishgg/skirmish/server/setup"
)

// netFlags are the flags of what faces players on the network, shared by
// serve, host and matchmaker: connection caps, allowed origins, TLS.
type netFlags struct {
	maxConns, maxConnsPerIP *int
	origins                 listFlag
	tlsCert, tlsKey         *string
}

func addNetFlags(fs *flag.FlagSet) *netFlags {
	n := &netFlags{
		maxConns:      fs.Int("max-conns", -1, "connections open at once on -addr, over all players; more are answered 503 \"server full\" (-1: 80% of the open-file limit less a reserve; 0: no cap)"),
		maxConnsPerIP: fs.Int("max-conns-per-ip", -1, "connections open at once on -addr from one IP address; more are answered 503 (-1: 64; 0: no cap, e.g. behind a proxy or for load tests from one machine)"),
		tlsCert:       fs.String("tls-cert", "", "PEM certificate (chain) file: serve https:// and wss:// on -addr; a renewed file is picked up within seconds (needs -tls-key)"),
		tlsKey:        fs.String("tls-key", "", "PEM private key file of -tls-cert"),
	}
	fs.Var(&n.origins, "allowed-origins", "browser origins, besides this server's own, whose pages may open WebSockets here: host patterns like play.example.com or *.example.com, or https://play.example.com; comma-separated or repeated (native clients send no Origin and are always allowed)")
	return n
}

// check reports a flag combination that cannot work.
func (n *netFlags) check() error {
	if (*n.tlsCert == "") != (*n.tlsKey == "") {
		return fmt.Errorf("-tls-cert and -tls-key go together")
	}
	return nil
}

// apply sets the serve options the flags ask for.
func (n *netFlags) apply(o *setup.ServeOptions) {
	o.MaxConns, o.MaxConnsPerIP = *n.maxConns, *n.maxConnsPerIP
	o.TLSCert, o.TLSKey = *n.tlsCert, *n.tlsKey
}

// publicURL is a host's default WebSocket URL: wss:// with TLS.
func (n *netFlags) publicURL(addr net.Addr) string {
	if *n.tlsCert != "" {
		return setup.PublicTLSURL(addr)
	}
	return setup.PublicURL(addr)
}
