package wsframe

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// TestCoderWebsocketClient has github.com/coder/websocket, the client of
// every native, browser and bot player, talk to a server made of this
// package on a real loopback connection: messages single and fragmented,
// pings answered with pongs, server messages, and the close handshake.
func TestCoderWebsocketClient(t *testing.T) {
	got := make(chan []string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		nc, err := upgrade(w, r)
		if err != nil {
			t.Error(err)
			return
		}
		defer nc.Close()
		got <- serveEcho(t, nc)
	}))
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	c.SetReadLimit(1 << 20)

	// Pings need a reader on the client's side to take their pongs.
	type read struct {
		typ websocket.MessageType
		b   []byte
		err error
	}
	reads := make(chan read, 16)
	go func() {
		for {
			typ, b, err := c.Read(ctx)
			reads <- read{typ, b, err}
			if err != nil {
				return
			}
		}
	}()
	sizes := []int{0, 1, 125, 126, 4000, 65535, 65536, 200000}
	for _, n := range sizes {
		if err := c.Write(ctx, websocket.MessageBinary, pattern(n)); err != nil {
			t.Fatal(err)
		}
	}
	// Fragmented: a message writer writes a frame per Write too big for
	// its buffer; pings go between the fragments.
	wr, err := c.Writer(ctx, websocket.MessageBinary)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := wr.Write(bytes.Repeat([]byte{byte('a' + i)}, 5000)); err != nil {
			t.Fatal(err)
		}
		if err := c.Ping(ctx); err != nil {
			t.Fatalf("ping inside a fragmented message not answered: %v", err)
		}
	}
	if err := wr.Close(); err != nil {
		t.Fatal(err)
	}
	// The server echoes every message back with AppendBinary.
	for _, n := range sizes {
		r := <-reads
		if r.err != nil || r.typ != websocket.MessageBinary || !bytes.Equal(r.b, pattern(n)) {
			t.Fatalf("echo of %d bytes: %v, %d bytes, %v", n, r.typ, len(r.b), r.err)
		}
	}
	if r := <-reads; r.err != nil || len(r.b) != 15000 || r.b[0] != 'a' || r.b[14999] != 'c' {
		t.Fatalf("echo of the fragmented message: %d bytes, %v", len(r.b), r.err)
	}
	if err := c.Close(4002, "done"); err != nil {
		t.Fatalf("close handshake: %v", err)
	}
	msgs := <-got
	wantLast := closeMsg(4002, "done")
	if len(msgs) == 0 || msgs[len(msgs)-1] != wantLast {
		t.Fatalf("the server's last message %q, want %q", msgs, wantLast)
	}
}

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
}

// serveEcho reads with a Parser from small reads and echoes binary
// messages, answers pings, echoes the close; it returns what it read
// (payloads summarised by length).
func serveEcho(t *testing.T, nc net.Conn) []string {
	p := Parser{Limit: 1 << 20}
	buf := make([]byte, 1000) // smaller than many messages: frames cut by reads
	var seen []string
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	for {
		n, err := nc.Read(buf)
		if err != nil {
			t.Errorf("server read: %v", err)
			return seen
		}
		p.Feed(buf[:n])
		var out []byte
		for {
			m, ok, err := p.Next()
			if err != nil {
				t.Errorf("server parse: %v", err)
				return seen
			}
			if !ok {
				break
			}
			switch m.Op {
			case OpBinary:
				seen = append(seen, fmt.Sprintf("binary %d", len(m.Payload)))
				out = AppendBinary(out, m.Payload)
			case OpPing:
				out = AppendPong(out, m.Payload)
			case OpClose:
				seen = append(seen, describe(m))
				nc.Write(append(out, AppendClose(nil, m.Code, m.Reason())...))
				return seen
			}
		}
		if _, err := nc.Write(out); err != nil {
			t.Errorf("server write: %v", err)
			return seen
		}
	}
}

// upgrade is a bare RFC 6455 server handshake on a hijacked connection.
func upgrade(w http.ResponseWriter, r *http.Request) (net.Conn, error) {
	key := r.Header.Get("Sec-WebSocket-Key")
	if key == "" {
		return nil, errors.New("no key")
	}
	h := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	nc, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return nil, err
	}
	if brw.Reader.Buffered() > 0 {
		nc.Close()
		return nil, errors.New("client sent early bytes")
	}
	fmt.Fprintf(nc, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", base64.StdEncoding.EncodeToString(h[:]))
	return nc, nil
}
