package netlimit

import (
	"crypto/tls"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"syscall"

	"github.com/prometheus/client_golang/prometheus"
)

// Reasons a connection is refused, as the refused counter labels them.
const (
	ReasonServerFull = "server_full"
	ReasonPerIP      = "per_ip"
)

// Options configures a Listener. Zero caps mean no cap.
type Options struct {
	// MaxConns caps the connections open at once, over all addresses.
	MaxConns int
	// MaxConnsPerIP caps the connections open at once from one source
	// IP. Behind a proxy every player has the proxy's address: raise or
	// disable it there (see docs/HOSTING.md).
	MaxConnsPerIP int
	// TLS, when the server speaks TLS on top of this listener, is used to
	// tell a refused client why in a response it can read. Default nil:
	// plain HTTP.
	TLS *tls.Config
	// Registry receives the listener's metrics. Default none.
	Registry prometheus.Registerer
	// Logger receives structured logs. Default slog.Default().
	Logger *slog.Logger
}

// maxRefusing bounds the refusals being written at once: each holds a
// descriptor for up to refuseTimeout, and past this many a refused
// connection is closed without a response rather than held.
const maxRefusing = 64

// maxRefusingPerIP bounds the refusals being written to one address.
const maxRefusingPerIP = 2

// Listener caps the connections of the listener it wraps. A connection
// over a cap is answered with HTTP 503 and closed; Accept goes on to the
// next one. A connection counts until it is closed, hijacked (WebSocket)
// connections included: they are the wrapped conn.
type Listener struct {
	net.Listener
	opts    Options
	metrics *metrics

	mu    sync.Mutex
	open  int
	perIP map[netip.Addr]int

	refusing   chan struct{}      // semaphore of refusals in flight
	refusingIP map[netip.Addr]int // refusals in flight by address; guarded by mu
}

// NewListener caps ln's connections as opts says.
func NewListener(ln net.Listener, opts Options) *Listener {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Listener{
		Listener:   ln,
		opts:       opts,
		metrics:    newMetrics(opts.Registry),
		perIP:      map[netip.Addr]int{},
		refusing:   make(chan struct{}, maxRefusing),
		refusingIP: map[netip.Addr]int{},
	}
}

// Accept returns the next connection within the caps.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := sourceIP(c.RemoteAddr())
		if reason := l.admit(ip); reason != "" {
			l.refuse(c, ip, reason)
			continue
		}
		return l.wrap(c, ip), nil
	}
}

// admit counts a connection from ip in, or says which cap it is over.
func (l *Listener) admit(ip netip.Addr) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.opts.MaxConns > 0 && l.open >= l.opts.MaxConns:
		return ReasonServerFull
	case l.opts.MaxConnsPerIP > 0 && l.perIP[ip] >= l.opts.MaxConnsPerIP:
		return ReasonPerIP
	}
	l.open++
	l.perIP[ip]++
	l.metrics.open.Set(float64(l.open))
	return ""
}

func (l *Listener) release(ip netip.Addr) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open--
	if n := l.perIP[ip] - 1; n > 0 {
		l.perIP[ip] = n
	} else {
		delete(l.perIP, ip)
	}
	l.metrics.open.Set(float64(l.open))
}

// Open is the number of connections counted now.
func (l *Listener) Open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open
}

// sourceIP is the address a connection counts against: its IPv4
// address, or the /64 of its IPv6 address (one subscriber's usual
// allocation, which an attacker could otherwise walk through).
func sourceIP(a net.Addr) netip.Addr {
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return netip.Addr{}
	}
	ip := ap.Addr().Unmap()
	if ip.Is6() {
		if p, err := ip.Prefix(64); err == nil {
			return p.Addr()
		}
	}
	return ip
}

func (l *Listener) wrap(c net.Conn, ip netip.Addr) net.Conn {
	cc := &conn{Conn: c, release: func() { l.release(ip) }}
	if sc, ok := c.(syscall.Conn); ok {
		// Keep the socket reachable for writers that bypass the poller
		// (the WebSocket adapter's snapshot writes).
		return &sysConn{conn: cc, sc: sc}
	}
	return cc
}

// conn is a counted connection: its first Close uncounts it.
type conn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *conn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// NetConn is the wrapped connection.
func (c *conn) NetConn() net.Conn { return c.Conn }

// sysConn is a counted connection whose socket is reachable.
type sysConn struct {
	*conn
	sc syscall.Conn
}

func (c *sysConn) SyscallConn() (syscall.RawConn, error) { return c.sc.SyscallConn() }
