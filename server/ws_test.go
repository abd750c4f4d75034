package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// startServer runs a Server with the arena on a loopback HTTP server and
// returns its WebSocket URL. Both are closed when the test ends.
func startServer(t *testing.T, opts *server.Options) (*server.Server, string) {
	t.Helper()
	return servertest.StartServer(t, arena.New(nil), opts)
}

func dial(t *testing.T, url string) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	c.SetReadLimit(1 << 20)
	t.Cleanup(func() { c.CloseNow() })
	identities.Store(c, guestIfServed(url))
	return c
}

// guestIfServed fetches a guest identity from a server built by setup;
// a bare server.Server (which checks no identity) serves none: "".
func guestIfServed(url string) string {
	base := strings.TrimSuffix(strings.Replace(url, "ws", "http", 1), "/ws")
	resp, err := http.Post(base+"/v1/auth/guest", "", nil)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	var g struct{ Token string }
	json.NewDecoder(resp.Body).Decode(&g)
	return g.Token
}

// identities holds each test connection's guest identity token, fetched
// by dial from the connection's server.
var identities sync.Map // *websocket.Conn → string

// identityOf is the identity token dial fetched for c.
func identityOf(c *websocket.Conn) string {
	tok, _ := identities.Load(c)
	s, _ := tok.(string)
	return s
}

func writeMsg(t *testing.T, c *websocket.Conn, m protocol.Message) {
	t.Helper()
	if err := c.Write(context.Background(), websocket.MessageBinary, m.Append(nil)); err != nil {
		t.Fatalf("write %T: %v", m, err)
	}
}

// handshake sends a Hello and reads the Welcome.
func handshake(t *testing.T, c *websocket.Conn, name string) protocol.Welcome {
	t.Helper()
	writeMsg(t, c, &protocol.Hello{Version: protocol.Version, Name: name, Identity: identityOf(c)})
	return readWelcome(t, c)
}

func readWelcome(t *testing.T, c *websocket.Conn) protocol.Welcome {
	t.Helper()
	var w protocol.Welcome
	if err := w.Decode(readType(t, c, protocol.MsgWelcome)); err != nil {
		t.Fatalf("decode welcome: %v", err)
	}
	return w
}

func readSnapshot(t *testing.T, c *websocket.Conn) protocol.Snapshot {
	t.Helper()
	var s protocol.Snapshot
	if err := s.Decode(readType(t, c, protocol.MsgSnapshot)); err != nil {
		t.Fatalf("decode snapshot: %v", err)
	}
	return s
}

// readType reads messages until one of type typ arrives.
func readType(t *testing.T, c *websocket.Conn, typ protocol.MsgType) []byte {
	t.Helper()
	return readTypeWithin(t, c, typ, 5*time.Second)
}

// readTypeWithin is readType with a deadline of d.
func readTypeWithin(t *testing.T, c *websocket.Conn, typ protocol.MsgType, d time.Duration) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	for {
		_, b, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("waiting for message type %d: %v", typ, err)
		}
		if got, err := protocol.PeekType(b); err == nil && got == typ {
			return b
		}
	}
}

// expectClose reads until the connection ends and checks the close code
// and that the reason contains want.
func expectClose(t *testing.T, c *websocket.Conn, code websocket.StatusCode, want string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		_, _, err := c.Read(ctx)
		if err == nil {
			continue
		}
		var ce websocket.CloseError
		if !errors.As(err, &ce) {
			t.Fatalf("connection ended with %v, want close %d", err, code)
		}
		if ce.Code != code || !strings.Contains(ce.Reason, want) {
			t.Fatalf("closed with %d %q, want %d containing %q", ce.Code, ce.Reason, code, want)
		}
		return
	}
}

// watcher is a well-behaved client: it applies every snapshot and records
// when each arrived.
type watcher struct {
	snapshots atomic.Int64
	maxGap    atomic.Int64 // nanoseconds between two snapshots
	err       atomic.Value
	done      chan struct{}
}

func watch(t *testing.T, url string) *watcher {
	c := dial(t, url)
	handshake(t, c, "watcher")
	w := &watcher{done: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() {
		cancel()
		<-w.done
	})
	go func() {
		defer close(w.done)
		var (
			snap       protocol.Snapshot
			view, next []protocol.Entity
			tick       uint32
			last       time.Time
			seq        uint32
		)
		for {
			_, b, err := c.Read(ctx)
			if err != nil {
				if ctx.Err() == nil {
					w.err.Store(err)
				}
				return
			}
			typ, err := protocol.PeekType(b)
			if err != nil {
				w.err.Store(err)
				return
			}
			if typ != protocol.MsgSnapshot {
				continue
			}
			if err := snap.Decode(b); err != nil {
				w.err.Store(err)
				return
			}
			if snap.Base != 0 && snap.Base != tick {
				w.err.Store(errors.New("snapshot base is not the last applied tick"))
				return
			}
			next, err = protocol.Apply(next, view, &snap)
			if err != nil {
				w.err.Store(err)
				return
			}
			view, next, tick = next, view, snap.Tick
			now := time.Now()
			if !last.IsZero() {
				if gap := int64(now.Sub(last)); gap > w.maxGap.Load() {
					w.maxGap.Store(gap)
				}
			}
			last = now
			w.snapshots.Add(1)
			// Keep playing: an input per snapshot, as a client would.
			seq++
			in := protocol.Input{Seq: seq, Ack: tick, MoveX: 50}
			if err := c.Write(ctx, websocket.MessageBinary, in.Append(nil)); err != nil {
				return
			}
		}
	}()
	return w
}

func TestBadInputIsClosedWhileOthersPlayOn(t *testing.T) {
	if testing.Short() {
		t.Skip("measures another client's snapshot rate: run alone (make test does)")
	}
	_, url := startServer(t, &server.Options{HandshakeTimeout: 300 * time.Millisecond})
	w := watch(t, url)
	start := time.Now()

	huge := []byte{0xdd, 0xff, 0xff, 0xff, 0xff, 0x01, 0x02} // array32 claiming 4G elements
	hugeStr := []byte{0x95, 0x01, protocol.Version, 0xdb, 0xff, 0xff, 0xff, 0xf0, 'a', 'b'}
	tests := []struct {
		name      string
		handshake bool // complete a Hello first
		send      func(t *testing.T, c *websocket.Conn)
		code      websocket.StatusCode
		reason    string
	}{
		{"garbage bytes", true, func(t *testing.T, c *websocket.Conn) {
			c.Write(context.Background(), websocket.MessageBinary, []byte{0xc1, 0xff, 0x00, 0x13})
		}, protocol.CloseInvalidPayload, "malformed"},
		{"text frame", true, func(t *testing.T, c *websocket.Conn) {
			c.Write(context.Background(), websocket.MessageText, []byte(`{"type":"input"}`))
		}, protocol.CloseUnsupportedData, "text frames"},
		{"unknown type", true, func(t *testing.T, c *websocket.Conn) {
			c.Write(context.Background(), websocket.MessageBinary, []byte{0x91, 0x63})
		}, protocol.CloseUnknownType, "unknown"},
		{"server message from a client", true, func(t *testing.T, c *websocket.Conn) {
			writeMsg(t, c, &protocol.Leave{Player: 1})
		}, protocol.CloseUnexpected, "unexpected message type"},
		{"wrong version", false, func(t *testing.T, c *websocket.Conn) {
			writeMsg(t, c, &protocol.Hello{Version: 99, Name: "future", Identity: identityOf(c)})
		}, protocol.CloseBadVersion, "unsupported protocol version 99"},
		{"version 3 hello (four elements)", false, func(t *testing.T, c *websocket.Conn) {
			c.Write(context.Background(), websocket.MessageBinary, []byte{0x94, 0x01, 0x03, 0xa0, 0xa0})
		}, protocol.CloseBadVersion, "unsupported protocol version 3"},
		{"no identity", false, func(t *testing.T, c *websocket.Conn) {
			writeMsg(t, c, &protocol.Hello{Version: protocol.Version, Name: "anon"})
		}, protocol.CloseBadIdentity, "identity required"},
		{"input before hello", false, func(t *testing.T, c *websocket.Conn) {
			writeMsg(t, c, &protocol.Input{Seq: 1})
		}, protocol.CloseUnexpected, "expected hello"},
		{"no hello", false, func(t *testing.T, c *websocket.Conn) {}, protocol.CloseHandshakeTimeout, "handshake timeout"},
		{"unknown resume token", false, func(t *testing.T, c *websocket.Conn) {
			writeMsg(t, c, &protocol.Hello{Version: protocol.Version, Resume: "nope", Identity: identityOf(c)})
		}, protocol.CloseBadResume, "resume token"},
		{"oversized message", true, func(t *testing.T, c *websocket.Conn) {
			c.Write(context.Background(), websocket.MessageBinary, make([]byte, protocol.MaxClientFrame+1))
		}, protocol.CloseTooBig, "read limited"},
		{"input flood", true, func(t *testing.T, c *websocket.Conn) {
			for i := range 1000 {
				in := protocol.Input{Seq: uint32(i + 1), MoveX: 1}
				if c.Write(context.Background(), websocket.MessageBinary, in.Append(nil)) != nil {
					return
				}
			}
		}, protocol.ClosePolicyViolation, "rate limit"},
		{"huge array length", true, func(t *testing.T, c *websocket.Conn) {
			c.Write(context.Background(), websocket.MessageBinary, huge)
		}, protocol.CloseInvalidPayload, "length beyond the end of the message"},
		{"huge string length", false, func(t *testing.T, c *websocket.Conn) {
			c.Write(context.Background(), websocket.MessageBinary, hugeStr)
		}, protocol.CloseInvalidPayload, "length over limit: string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := dial(t, url)
			if tt.handshake {
				handshake(t, c, "bad-"+tt.name)
			}
			tt.send(t, c)
			expectClose(t, c, tt.code, tt.reason)
		})
	}

	elapsed := time.Since(start)
	if err, _ := w.err.Load().(error); err != nil {
		t.Fatalf("the well-behaved client failed: %v", err)
	}
	got := float64(w.snapshots.Load())
	want := elapsed.Seconds() * 30
	if got < want*0.9 {
		t.Errorf("well-behaved client got %.0f snapshots in %v, want about %.0f", got, elapsed, want)
	}
	if gap := time.Duration(w.maxGap.Load()); gap > 250*time.Millisecond {
		t.Errorf("well-behaved client waited %v between two snapshots", gap)
	}
}

func TestHealthz(t *testing.T) {
	_, url := startServer(t, nil)
	httpURL := "http" + strings.TrimSuffix(strings.TrimPrefix(url, "ws"), "/ws") + "/healthz"
	resp, err := http.Get(httpURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(body) != "ok\n" {
		t.Fatalf("healthz = %d %q", resp.StatusCode, body)
	}
}

func asCloseError(err error, ce *websocket.CloseError) bool { return errors.As(err, ce) }
