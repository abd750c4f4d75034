package servertest

import (
	"net"
	"net/url"
	"sync"
	"testing"
	"time"
)

// DelayProxy is a TCP proxy on loopback that holds every byte for a fixed
// delay in each direction before passing it on: a network whose round
// trip is twice the delay, for tests of what latency does (lag
// compensation, interpolation). Order and content are kept; a full
// pipeline (delayQueue chunks in flight) stops reading, as TCP does. It
// stops by itself when the test ends.
type DelayProxy struct {
	// Addr is the host:port to connect to instead of the target.
	Addr string

	ln     net.Listener
	target string
	delay  time.Duration
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

// delayQueue bounds the chunks one direction holds in flight.
const delayQueue = 1024

// StartDelayProxy forwards connections to target (host:port), delaying
// each direction by oneWay. Close it early with Close; it is closed when
// the test ends either way.
func StartDelayProxy(t testing.TB, target string, oneWay time.Duration) *DelayProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &DelayProxy{Addr: ln.Addr().String(), ln: ln, target: target, delay: oneWay, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.Close)
	return p
}

// DelayURL starts a DelayProxy to the host of rawURL (ws://, http://…)
// and returns rawURL with the proxy in its place.
func DelayURL(t testing.TB, rawURL string, oneWay time.Duration) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = StartDelayProxy(t, u.Host, oneWay).Addr
	return u.String()
}

// Close stops accepting, cuts every proxied connection and waits for the
// proxy's goroutines. Idempotent.
func (p *DelayProxy) Close() {
	p.mu.Lock()
	p.closed = true
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.ln.Close()
	p.wg.Wait()
}

// track registers c to be closed by Close; false when the proxy is closed.
func (p *DelayProxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		c.Close()
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *DelayProxy) untrack(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	c.Close()
}

func (p *DelayProxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return // closed
		}
		if !p.track(c) {
			return
		}
		p.wg.Add(1)
		go p.serve(c)
	}
}

// serve proxies one connection until either side ends it.
func (p *DelayProxy) serve(c net.Conn) {
	defer p.wg.Done()
	defer p.untrack(c)
	up, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil || !p.track(up) {
		return
	}
	defer p.untrack(up)
	var pipes sync.WaitGroup
	pipes.Add(2)
	go func() { defer pipes.Done(); p.pipe(c, up) }()
	go func() { defer pipes.Done(); p.pipe(up, c) }()
	pipes.Wait()
}

type chunk struct {
	due time.Time
	b   []byte
}

// pipe copies src to dst, each chunk delay after it was read. When src
// ends, what is in flight is still delivered, then dst's write side is
// closed; when dst fails, both end.
func (p *DelayProxy) pipe(src, dst net.Conn) {
	q := make(chan chunk, delayQueue)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ch := range q {
			time.Sleep(time.Until(ch.due))
			if _, err := dst.Write(ch.b); err != nil {
				src.Close() // the reader stops too
				for range q {
				}
				return
			}
		}
		if tcp, ok := dst.(*net.TCPConn); ok {
			tcp.CloseWrite()
		} else {
			dst.Close()
		}
	}()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			q <- chunk{due: time.Now().Add(p.delay), b: append([]byte(nil), buf[:n]...)}
		}
		if err != nil {
			break
		}
	}
	close(q)
	<-done
}
