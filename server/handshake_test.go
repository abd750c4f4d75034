package server_test

import (
	"bufio"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// TestHelloRightBehindTheUpgrade sends the upgrade request and the first
// WebSocket frame in one TCP write, so net/http has read the frame into its
// own buffer by the time the connection is hijacked: the lean reader must
// carry those bytes over, or the Hello is lost and the handshake times out.
func TestHelloRightBehindTheUpgrade(t *testing.T) {
	_, url := startServer(t, &server.Options{HandshakeTimeout: 3 * time.Second})
	addr := strings.TrimSuffix(strings.TrimPrefix(url, "ws://"), "/ws")
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(10 * time.Second))

	hello := (&protocol.Hello{Version: protocol.Version, Name: "early", Identity: servertest.Guest(t, url)}).Append(nil)
	req := "GET /ws HTTP/1.1\r\nHost: " + addr + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
	if _, err := nc.Write(append([]byte(req), maskedFrame(hello)...)); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(nc)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("upgrade: %s", resp.Status)
	}
	payload := readServerFrame(t, br)
	typ, err := protocol.PeekType(payload)
	if err != nil || typ != protocol.MsgWelcome {
		t.Fatalf("first message: type %d (%v), want a Welcome", typ, err)
	}
}

// maskedFrame is a client's binary frame carrying p.
func maskedFrame(p []byte) []byte {
	if len(p) > 0xffff {
		panic("test frame too long")
	}
	key := [4]byte{1, 2, 3, 4}
	f := []byte{0x82, 0x80 | byte(len(p))}
	if len(p) > 125 { // a 16-bit length (an identity token makes a Hello this long)
		f = []byte{0x82, 0x80 | 126, byte(len(p) >> 8), byte(len(p))}
	}
	f = append(f, key[:]...)
	for i, b := range p {
		f = append(f, b^key[i%4])
	}
	return f
}

// readServerFrame reads one unmasked, unfragmented frame's payload.
func readServerFrame(t *testing.T, r io.Reader) []byte {
	t.Helper()
	var h [2]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		t.Fatalf("frame header: %v", err)
	}
	n := int(h[1] & 0x7f)
	switch n {
	case 126:
		var ext [2]byte
		io.ReadFull(r, ext[:])
		n = int(binary.BigEndian.Uint16(ext[:]))
	case 127:
		t.Fatal("frame too long for the test")
	}
	p := make([]byte, n)
	if _, err := io.ReadFull(r, p); err != nil {
		t.Fatalf("frame payload: %v", err)
	}
	return p
}
