//go:build linux

package floor

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strconv"
	"time"

	"golang.org/x/sys/unix"

	"github.com/skirmishgg/skirmish/protocol"
)

const (
	// readBufSize is the one read buffer: a read that fills it is
	// followed by another, a shorter one proves the socket drained (edge
	// triggered, new data raises a new event).
	readBufSize = 64 << 10
	maxEvents   = 256
	// maxPending is how far a client may fall behind before it is
	// dropped; a client with anything pending misses snapshots.
	maxPending    = 1 << 20
	listenBacklog = 4096
)

type connState uint8

const (
	stHTTP    connState = iota // reading the request head
	stHello                    // upgraded, waiting for Hello
	stPlaying                  // seated in a match
)

// conn is one client socket, owned by the loop.
type conn struct {
	fd      int // -1 once closed
	state   connState
	in      []byte // bytes of a request head or frame not yet complete
	pending []byte // output the socket did not take yet
	frag    []byte // a fragmented message so far
	inFrag  bool
	match   *match
	slot    int // index in match.conns
	lastSeq uint32
}

// match is a group of seated players that share one encoded snapshot.
type match struct {
	id    string
	conns []*conn
	msg   []byte // the snapshot frame, encoded once a snapshot interval
}

// server is the loop's state: everything belongs to its one goroutine.
type server struct {
	o        Options
	epfd     int
	lfd      int
	conns    map[int]*conn
	matches  []*match
	rbuf     []byte
	scratch  []byte
	template []byte
	tick     uint32
	step     uint32 // ticks a snapshot
	players  uint32
}

// Serve runs the floor server until ctx is done. It prints "skirmish:
// listening on ADDR" to stdout once it listens.
func Serve(ctx context.Context, o *Options, stdout io.Writer) error {
	if err := o.validate(); err != nil {
		return err
	}
	// The loop owns one OS thread, as a C event loop would.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	lfd, addr, err := listen(o.Addr)
	if err != nil {
		return err
	}
	defer unix.Close(lfd)
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return fmt.Errorf("floor: epoll: %w", err)
	}
	defer unix.Close(epfd)
	// The listener is level-triggered: an accept that fails for want of
	// descriptors is tried again at the next wake-up.
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, lfd, &unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(lfd)}); err != nil {
		return fmt.Errorf("floor: epoll: %w", err)
	}
	s := &server{
		o: *o, epfd: epfd, lfd: lfd,
		conns:    map[int]*conn{},
		rbuf:     make([]byte, readBufSize),
		template: snapshotTemplate(snapshotPayload(o.FrameBytes)),
		step:     uint32(tickRate / o.SnapshotRate),
	}
	defer s.closeAll()
	fmt.Fprintf(stdout, "skirmish: listening on %s\n", addr)
	return s.loop(ctx)
}

// listen opens a non-blocking IPv4 listening socket on addr.
func listen(addr string) (int, string, error) {
	ta, err := net.ResolveTCPAddr("tcp4", addr)
	if err != nil {
		return -1, "", fmt.Errorf("floor: listen: %w", err)
	}
	var sa unix.SockaddrInet4
	sa.Port = ta.Port
	if ip4 := ta.IP.To4(); ip4 != nil {
		copy(sa.Addr[:], ip4)
	}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, "", fmt.Errorf("floor: listen: %w", err)
	}
	fail := func(err error) (int, string, error) {
		unix.Close(fd)
		return -1, "", fmt.Errorf("floor: listen on %s: %w", addr, err)
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
		return fail(err)
	}
	if err := unix.Bind(fd, &sa); err != nil {
		return fail(err)
	}
	if err := unix.Listen(fd, listenBacklog); err != nil {
		return fail(err)
	}
	got, err := unix.Getsockname(fd)
	if err != nil {
		return fail(err)
	}
	g := got.(*unix.SockaddrInet4)
	return fd, net.JoinHostPort(net.IP(g.Addr[:]).String(), strconv.Itoa(g.Port)), nil
}

// loop waits for readiness or the next snapshot, whichever comes first.
// It checks ctx at least once a snapshot interval.
func (s *server) loop(ctx context.Context) error {
	interval := time.Second / time.Duration(s.o.SnapshotRate)
	next := time.Now().Add(interval)
	events := make([]unix.EpollEvent, maxEvents)
	for ctx.Err() == nil {
		wait := max(time.Until(next), 0)
		n, err := epollWait(s.epfd, events, int((wait+time.Millisecond-1)/time.Millisecond))
		if err != nil && !errors.Is(err, unix.EINTR) {
			return fmt.Errorf("floor: epoll wait: %w", err)
		}
		for i := range max(n, 0) {
			ev := &events[i]
			if int(ev.Fd) == s.lfd {
				s.accept()
				continue
			}
			c := s.conns[int(ev.Fd)]
			if c == nil {
				continue
			}
			if ev.Events&unix.EPOLLOUT != 0 && len(c.pending) > 0 {
				s.flush(c)
			}
			if c.fd >= 0 && ev.Events&(unix.EPOLLIN|unix.EPOLLRDHUP|unix.EPOLLHUP|unix.EPOLLERR) != 0 {
				s.read(c, ev.Events&(unix.EPOLLRDHUP|unix.EPOLLHUP|unix.EPOLLERR) != 0)
			}
		}
		if now := time.Now(); !now.Before(next) {
			s.snapshots()
			if next = next.Add(interval); now.Sub(next) > interval {
				next = now.Add(interval) // far behind: do not burst to catch up
			}
		}
	}
	return nil
}

// accept takes every pending connection.
func (s *server) accept() {
	for {
		fd, _, err := unix.Accept4(s.lfd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
		switch {
		case errors.Is(err, unix.EINTR) || errors.Is(err, unix.ECONNABORTED):
			continue
		case err != nil: // EAGAIN, or out of descriptors until the next wake-up
			return
		}
		unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
		ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLOUT | unix.EPOLLRDHUP | unix.EPOLLET, Fd: int32(fd)}
		if err := unix.EpollCtl(s.epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
			unix.Close(fd)
			continue
		}
		s.conns[fd] = &conn{fd: fd}
	}
}

// read drains what the socket has: one read, another only when it filled
// the buffer or the peer hung up (to see the end of the stream).
func (s *server) read(c *conn, hup bool) {
	for c.fd >= 0 {
		n, err := rawRead(c.fd, s.rbuf)
		switch {
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.EAGAIN):
			return
		case err != nil || n == 0:
			s.drop(c)
			return
		}
		s.consume(c, s.rbuf[:n])
		if n < len(s.rbuf) && !hup {
			return
		}
	}
}

// consume handles data, after what c kept from earlier reads.
func (s *server) consume(c *conn, data []byte) {
	if len(c.in) > 0 {
		c.in = append(c.in, data...)
		data = c.in
	}
	off := s.process(c, data)
	if c.fd < 0 {
		return
	}
	c.in = append(c.in[:0], data[off:]...) // memmove when data is c.in
}

// process handles every complete request head or frame at the start of
// data and returns how many bytes it took.
func (s *server) process(c *conn, data []byte) int {
	off := 0
	for off < len(data) && c.fd >= 0 {
		if c.state == stHTTP {
			kind, resp, n := handshake(data[off:])
			if kind == reqIncomplete {
				return off
			}
			off += n
			s.write(c, resp)
			if kind != reqUpgrade {
				s.drop(c)
				return off
			}
			c.state = stHello
			continue
		}
		f, n, err := parseFrame(data[off:], protocol.MaxClientFrame)
		if ce, ok := errors.AsType[*closeError](err); ok {
			s.closeWith(c, ce.code, ce.reason)
			return off
		}
		if n == 0 {
			return off
		}
		off += n
		s.frame(c, f)
	}
	return off
}

// frame handles one client frame.
func (s *server) frame(c *conn, f frame) {
	switch f.op {
	case opPing:
		s.write(c, appendFrame(s.scratch[:0], opPong, f.payload))
	case opPong:
	case opClose:
		code := uint16(closeNormal)
		if len(f.payload) >= 2 {
			code = binary.BigEndian.Uint16(f.payload)
		}
		s.closeWith(c, code, "")
	case opText:
		s.closeWith(c, closeUnsupported, "the protocol is binary only")
	case opBinary:
		switch {
		case c.inFrag:
			s.closeWith(c, closeProtocolError, "a new message inside a fragmented one")
		case f.fin:
			s.message(c, f.payload)
		default:
			c.frag, c.inFrag = append(c.frag[:0], f.payload...), true
		}
	case opContinuation:
		switch {
		case !c.inFrag:
			s.closeWith(c, closeProtocolError, "continuation without a message")
		case len(c.frag)+len(f.payload) > protocol.MaxClientFrame:
			s.closeWith(c, closeTooBig, "message too big")
		default:
			c.frag = append(c.frag, f.payload...)
			if f.fin {
				c.inFrag = false
				s.message(c, c.frag)
			}
		}
	}
}

// message handles one protocol message: Hello, then Inputs and Pings.
func (s *server) message(c *conn, msg []byte) {
	typ, err := protocol.PeekType(msg)
	if err != nil {
		s.closeWith(c, protocol.CloseUnknownType, "unknown message type")
		return
	}
	if c.state == stHello {
		var h protocol.Hello
		switch {
		case typ != protocol.MsgHello:
			s.closeWith(c, protocol.CloseUnexpected, "expected Hello")
		case h.Decode(msg) != nil:
			s.closeWith(c, protocol.CloseInvalidPayload, "bad Hello")
		case h.Version != protocol.Version:
			s.closeWith(c, protocol.CloseBadVersion, "unsupported protocol version")
		default:
			s.join(c)
		}
		return
	}
	switch typ {
	case protocol.MsgInput:
		var in protocol.Input
		if in.Decode(msg) != nil {
			s.closeWith(c, protocol.CloseInvalidPayload, "bad Input")
			return
		}
		c.lastSeq = in.Seq
	case protocol.MsgPing:
		var p protocol.Ping
		if p.Decode(msg) != nil {
			s.closeWith(c, protocol.CloseInvalidPayload, "bad Ping")
			return
		}
		pong := protocol.Pong{ClientTime: p.ClientTime, ServerTick: s.tick}
		body := pong.Append(s.scratch[:0])
		s.scratch = body
		s.write(c, appendFrame(make([]byte, 0, len(body)+2), opBinary, body))
	default:
		s.closeWith(c, protocol.CloseUnexpected, "unexpected message")
	}
}

// join seats c in the first match with a free seat and welcomes it.
func (s *server) join(c *conn) {
	var m *match
	for _, mm := range s.matches {
		if len(mm.conns) < s.o.MatchSize {
			m = mm
			break
		}
	}
	if m == nil {
		m = &match{id: "floor-" + strconv.Itoa(len(s.matches)+1)}
		s.matches = append(s.matches, m)
	}
	s.players++
	c.match, c.slot, c.state = m, len(m.conns), stPlaying
	m.conns = append(m.conns, c)
	s.write(c, appendFrame(nil, opBinary, welcome(s.players, m.id, s.o.SnapshotRate)))
}

// snapshots sends each match its snapshot: encoded once a match, the
// client's acknowledged input patched in before each write.
func (s *server) snapshots() {
	s.tick += s.step
	for _, m := range s.matches {
		if len(m.conns) == 0 {
			continue
		}
		m.msg = appendFrameHeader(m.msg[:0], opBinary, len(s.template))
		hdr := len(m.msg)
		m.msg = append(m.msg, s.template...)
		putUint32(m.msg[hdr+tickOffset:], s.tick)
		// Backwards: a write that drops its client moves the last one
		// into its slot, which is done already.
		for i := len(m.conns) - 1; i >= 0; i-- {
			c := m.conns[i]
			if len(c.pending) > 0 {
				continue // behind: it misses this one, as Skirmish skips
			}
			putUint32(m.msg[hdr+lastSeqOffset:], c.lastSeq)
			s.write(c, m.msg)
		}
	}
}

// write sends b with one write(2); what the socket does not take waits
// for EPOLLOUT.
func (s *server) write(c *conn, b []byte) {
	if c.fd < 0 {
		return
	}
	if len(c.pending) > 0 {
		if len(c.pending)+len(b) > maxPending {
			s.drop(c)
			return
		}
		c.pending = append(c.pending, b...)
		return
	}
	n, err := rawWrite(c.fd, b)
	for errors.Is(err, unix.EINTR) {
		n, err = rawWrite(c.fd, b)
	}
	switch {
	case errors.Is(err, unix.EAGAIN):
		n = 0
	case err != nil:
		s.drop(c)
		return
	}
	if n < len(b) {
		c.pending = append(c.pending, b[n:]...)
	}
}

// flush writes what is pending.
func (s *server) flush(c *conn) {
	p := c.pending
	c.pending = nil
	s.write(c, p)
}

// closeWith sends a close frame and closes the socket.
func (s *server) closeWith(c *conn, code uint16, reason string) {
	if c.state != stHTTP {
		s.write(c, appendClose(nil, code, reason))
	}
	s.drop(c)
}

// drop closes c's socket (which takes it out of epoll) and unseats it.
func (s *server) drop(c *conn) {
	if c.fd < 0 {
		return
	}
	unix.Close(c.fd)
	delete(s.conns, c.fd)
	c.fd = -1
	if m := c.match; m != nil {
		last := m.conns[len(m.conns)-1]
		m.conns[c.slot], last.slot = last, c.slot
		m.conns = m.conns[:len(m.conns)-1]
		c.match = nil
	}
}

func (s *server) closeAll() {
	for _, c := range s.conns {
		s.drop(c)
	}
}
