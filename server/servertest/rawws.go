package servertest

import (
	"bufio"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// DialFrom opens a TCP connection to addr from source IP from (any
// 127.x.y.z is loopback on Linux, so a test can play many addresses);
// "" lets the system choose.
func DialFrom(from, addr string) (net.Conn, error) {
	d := net.Dialer{Timeout: 5 * time.Second}
	if from != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(from)}
	}
	return d.Dial("tcp", addr)
}

// RawWebSocket is a client WebSocket written by hand on a TCP connection,
// for tests that send what no well-behaved library would (floods of
// control frames).
type RawWebSocket struct {
	Conn net.Conn
	R    *bufio.Reader
}

// UpgradeRaw performs the WebSocket upgrade of path on c (with the extra
// header h) and returns the response status and body and, on 101, the
// socket.
func UpgradeRaw(c net.Conn, host, path string, h http.Header) (int, string, *RawWebSocket, error) {
	var key [16]byte
	rand.Read(key[:])
	var b strings.Builder
	fmt.Fprintf(&b, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: %s\r\n",
		path, host, base64.StdEncoding.EncodeToString(key[:]))
	for k, vs := range h {
		for _, v := range vs {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
	}
	b.WriteString("\r\n")
	c.SetDeadline(time.Now().Add(5 * time.Second))
	defer c.SetDeadline(time.Time{})
	if _, err := io.WriteString(c, b.String()); err != nil {
		return 0, "", nil, err
	}
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return 0, "", nil, err
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		return resp.StatusCode, string(body), nil, nil
	}
	return resp.StatusCode, "", &RawWebSocket{Conn: c, R: br}, nil
}

// WriteFrame writes one masked client frame of opcode op (0x9 ping, 0xA
// pong, 0x2 binary) with payload p (at most 125 bytes for control
// frames, 65535 in all).
func (w *RawWebSocket) WriteFrame(op byte, p []byte) error {
	f := make([]byte, 0, 8+len(p))
	f = append(f, 0x80|op)
	if len(p) < 126 {
		f = append(f, 0x80|byte(len(p)))
	} else {
		f = append(f, 0x80|126, byte(len(p)>>8), byte(len(p)))
	}
	var mask [4]byte
	rand.Read(mask[:])
	f = append(f, mask[:]...)
	for i, c := range p {
		f = append(f, c^mask[i%4])
	}
	_, err := w.Conn.Write(f)
	return err
}

// ClientFrame is a masked client frame with first byte b0 (FIN, reserved
// bits and opcode exactly as given) carrying p, with the shortest length
// encoding: for frames no library would send (reserved bits, fragments
// split around a ping).
func ClientFrame(b0 byte, p []byte) []byte {
	f := []byte{b0}
	switch {
	case len(p) < 126:
		f = append(f, 0x80|byte(len(p)))
	case len(p) <= 0xFFFF:
		f = binary.BigEndian.AppendUint16(append(f, 0x80|126), uint16(len(p)))
	default:
		f = binary.BigEndian.AppendUint64(append(f, 0x80|127), uint64(len(p)))
	}
	var mask [4]byte
	rand.Read(mask[:])
	f = append(f, mask[:]...)
	for i, c := range p {
		f = append(f, c^mask[i%4])
	}
	return f
}

// ReadFrame reads the server's next frame: its opcode and payload.
func (w *RawWebSocket) ReadFrame(deadline time.Time) (op byte, payload []byte, err error) {
	w.Conn.SetReadDeadline(deadline)
	defer w.Conn.SetReadDeadline(time.Time{})
	var h [2]byte
	if _, err := io.ReadFull(w.R, h[:]); err != nil {
		return 0, nil, err
	}
	n := int(h[1] & 0x7f)
	switch n {
	case 126:
		var l [2]byte
		if _, err := io.ReadFull(w.R, l[:]); err != nil {
			return 0, nil, err
		}
		n = int(binary.BigEndian.Uint16(l[:]))
	case 127:
		var l [8]byte
		if _, err := io.ReadFull(w.R, l[:]); err != nil {
			return 0, nil, err
		}
		n = int(binary.BigEndian.Uint64(l[:]))
	}
	p := make([]byte, n)
	if _, err := io.ReadFull(w.R, p); err != nil {
		return 0, nil, err
	}
	return h[0] & 0x0f, p, nil
}

// ReadClose reads the server's frames until its close frame and returns
// its code and reason; an error when the connection ends first or
// nothing arrives before the deadline.
func (w *RawWebSocket) ReadClose(deadline time.Time) (int, string, error) {
	for {
		op, p, err := w.ReadFrame(deadline)
		if err != nil {
			return 0, "", fmt.Errorf("no close frame: %w", err)
		}
		if op == 0x8 {
			if len(p) < 2 {
				return 0, "", nil
			}
			return int(binary.BigEndian.Uint16(p)), string(p[2:]), nil
		}
	}
}
