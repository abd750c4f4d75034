//go:build linux

package floor

import (
	"bufio"
	"context"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/client/clientnet"
	"github.com/skirmishgg/skirmish/protocol"
)

// startFloor runs a floor server on loopback for the test and returns its
// address.
func startFloor(t *testing.T, frameBytes int) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, &Options{Addr: "127.0.0.1:0", FrameBytes: frameBytes, SnapshotRate: 20, MatchSize: 2}, pw)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("no address: %v", err)
	}
	go io.Copy(io.Discard, pr)
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "skirmish: listening on ")
	if !ok {
		t.Fatalf("first line %q", line)
	}
	return addr
}

// TestFloorServesClients plays real clients against the floor: Welcome,
// snapshots of the configured size at the snapshot rate that apply,
// inputs acknowledged in them, Pongs, and matches of MatchSize.
func TestFloorServesClients(t *testing.T) {
	const frameBytes = 230
	addr := startFloor(t, frameBytes)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	var conns []*clientnet.Conn
	for range 3 {
		c, err := clientnet.Dial(ctx, "ws://"+addr+"/ws", &clientnet.DialOptions{Name: "t"})
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		defer c.CloseNow()
		conns = append(conns, c)
	}
	if m0, m2 := conns[0].Welcome().Match, conns[2].Welcome().Match; m0 == m2 || conns[1].Welcome().Match != m0 {
		t.Errorf("matches %q %q %q: want two players a match", m0, conns[1].Welcome().Match, m2)
	}
	c := conns[0]
	seq, err := c.SendInput(ctx, protocol.Input{MoveX: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	var snaps int
	var acked, ponged bool
	var prevTick uint32
	for !acked || !ponged || snaps < 3 {
		typ, err := c.Next(ctx)
		if err != nil {
			t.Fatalf("after %d snapshots: %v", snaps, err)
		}
		switch typ {
		case protocol.MsgSnapshot:
			s := c.Snapshot()
			if snaps > 0 && s.Tick != prevTick+tickRate/20 {
				t.Errorf("tick %d after %d: want a snapshot every %d ticks", s.Tick, prevTick, tickRate/20)
			}
			prevTick = s.Tick
			snaps++
			acked = acked || s.LastSeq == seq
		case protocol.MsgPong:
			ponged = true
		}
	}
	// Every message but the Pong was a snapshot in a frameBytes frame.
	st := c.Stats()
	payload := uint64(snapshotPayload(frameBytes))
	if st.Messages != st.Snapshots+1 || st.Bytes-payload*st.Snapshots > 16 {
		t.Errorf("%d messages of %d bytes for %d snapshots: want one Pong and snapshots of %d bytes (%d-byte frames)",
			st.Messages, st.Bytes, st.Snapshots, payload, frameBytes)
	}
}

func TestFloorHealthz(t *testing.T) {
	addr := startFloor(t, 100)
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %s", resp.Status)
	}
	resp, err = http.Get("http://" + addr + "/nope")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("/nope: %s", resp.Status)
	}
}

// TestFloorRefusesBadInput checks the close codes of bad frames and
// messages, and that a fragmented Hello is put together.
func TestFloorRefusesBadInput(t *testing.T) {
	addr := startFloor(t, 100)
	hello := (&protocol.Hello{Version: protocol.Version, Name: "x"}).Append(nil)
	key := [4]byte{9, 8, 7, 6}
	tests := []struct {
		name   string
		frames [][]byte
		code   uint16 // 0: welcomed
	}{
		{"hello", [][]byte{clientFrame(true, opBinary, hello, key)}, 0},
		{"fragmented hello", [][]byte{clientFrame(false, opBinary, hello[:3], key), clientFrame(true, opContinuation, hello[3:], key)}, 0},
		{"ping first", [][]byte{clientFrame(true, opPing, []byte("p"), key), clientFrame(true, opBinary, hello, key)}, 0},
		{"text", [][]byte{clientFrame(true, opText, []byte("hi"), key)}, closeUnsupported},
		{"unmasked", [][]byte{{0x82, 0x01, 0x01}}, closeProtocolError},
		{"lone continuation", [][]byte{clientFrame(true, opContinuation, hello, key)}, closeProtocolError},
		{"too big", [][]byte{clientFrame(true, opBinary, make([]byte, protocol.MaxClientFrame+1), key)}, closeTooBig},
		{"input before hello", [][]byte{clientFrame(true, opBinary, (&protocol.Input{Seq: 1}).Append(nil), key)}, protocol.CloseUnexpected},
		{"old version", [][]byte{clientFrame(true, opBinary, (&protocol.Hello{Version: 1}).Append(nil), key)}, protocol.CloseBadVersion},
		{"unknown type", [][]byte{clientFrame(true, opBinary, []byte{0x91, 0x7f}, key)}, protocol.CloseUnknownType},
		{"close", [][]byte{clientFrame(true, opClose, []byte{0x03, 0xe8}, key)}, closeNormal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			defer nc.Close()
			nc.SetDeadline(time.Now().Add(5 * time.Second))
			io.WriteString(nc, "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
			br := bufio.NewReader(nc)
			resp, err := http.ReadResponse(br, nil)
			if err != nil || resp.StatusCode != http.StatusSwitchingProtocols || resp.Header.Get("Sec-WebSocket-Accept") != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" {
				t.Fatalf("upgrade: %v %v", resp, err)
			}
			for _, f := range tt.frames {
				nc.Write(f)
			}
			// Frames until the Welcome or a close.
			for {
				var h [2]byte
				if _, err := io.ReadFull(br, h[:]); err != nil {
					t.Fatalf("read: %v", err)
				}
				n := int(h[1])
				if n == 126 {
					var l [2]byte
					io.ReadFull(br, l[:])
					n = int(binary.BigEndian.Uint16(l[:]))
				}
				p := make([]byte, n)
				if _, err := io.ReadFull(br, p); err != nil {
					t.Fatalf("read: %v", err)
				}
				switch op := h[0] & 0x0F; {
				case op == opClose:
					if code := binary.BigEndian.Uint16(p); code != tt.code || tt.code == 0 {
						t.Fatalf("closed with %d %q, want %d", code, p[2:], tt.code)
					}
					return
				case op == opBinary && p[1] == byte(protocol.MsgWelcome):
					if tt.code != 0 {
						t.Fatalf("welcomed, want close %d", tt.code)
					}
					return
				}
			}
		})
	}
}

// TestFloorWithWebSocketLibrary checks the handshake against
// coder/websocket, the library every Skirmish client uses.
func TestFloorWithWebSocketLibrary(t *testing.T) {
	addr := startFloor(t, 100)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws://"+addr+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	if err := ws.Write(ctx, websocket.MessageText, []byte("hi")); err != nil {
		t.Fatal(err)
	}
	_, _, err = ws.Read(ctx)
	if got := websocket.CloseStatus(err); got != closeUnsupported {
		t.Fatalf("read after a text message: %v, want close %d", err, closeUnsupported)
	}
}
