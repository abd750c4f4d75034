package netlimit

import (
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/netip"
	"time"
)

// refuseTimeout bounds the time a refused connection is held to be told
// why (the TLS handshake included).
const refuseTimeout = time.Second

// refusalText is what a refused client reads, by reason.
var refusalText = map[string]string{
	ReasonServerFull: "server full: too many connections, try again later",
	ReasonPerIP:      "too many connections from your address",
}

// refuse answers c with 503 and closes it, on a goroutine of its own so
// that Accept goes on at once. Past maxRefusing refusals in flight, or
// maxRefusingPerIP for c's address (a flood from one address must not
// take every answer from the others), it closes c without a word.
func (l *Listener) refuse(c net.Conn, ip netip.Addr, reason string) {
	l.metrics.refused.WithLabelValues(reason).Inc()
	l.opts.Logger.Debug("connection refused", "ip", ip.String(), "reason", reason)
	l.mu.Lock()
	ok := l.refusingIP[ip] < maxRefusingPerIP
	if ok {
		select {
		case l.refusing <- struct{}{}:
			l.refusingIP[ip]++
		default:
			ok = false
		}
	}
	l.mu.Unlock()
	if !ok {
		c.Close()
		return
	}
	go func() {
		respond(c, l.opts.TLS, refusalText[reason])
		l.mu.Lock()
		if l.refusingIP[ip]--; l.refusingIP[ip] <= 0 {
			delete(l.refusingIP, ip)
		}
		l.mu.Unlock()
		<-l.refusing
	}()
}

// respond writes an HTTP 503 with msg to c and closes it. It reads what
// the client sent first, so that the close does not reset the connection
// before the client has read the response.
func respond(c net.Conn, cfg *tls.Config, msg string) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(refuseTimeout))
	rw := io.ReadWriter(c)
	if cfg != nil {
		tc := tls.Server(c, cfg)
		if tc.Handshake() != nil {
			return
		}
		rw = tc
	}
	// The request (its head at least): small, and all a client sends
	// before waiting for an answer.
	var buf [4096]byte
	rw.Read(buf[:])
	fmt.Fprintf(rw, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nRetry-After: 5\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s\n", len(msg)+1, msg)
	if tc, ok := rw.(*tls.Conn); ok {
		tc.CloseWrite()
	} else if cw, ok := c.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	io.Copy(io.Discard, io.LimitReader(rw, 64<<10))
}
