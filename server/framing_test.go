package server_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// rawPlayer upgrades a raw socket and says Hello in one frame, then reads
// up to its Welcome.
func rawPlayer(t *testing.T, url string) *servertest.RawWebSocket {
	t.Helper()
	addr := strings.TrimSuffix(strings.TrimPrefix(url, "ws://"), "/ws")
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	code, body, ws, err := servertest.UpgradeRaw(nc, addr, "/ws", nil)
	if err != nil || ws == nil {
		t.Fatalf("upgrade: %d %q %v", code, body, err)
	}
	hello := (&protocol.Hello{Version: protocol.Version, Name: "raw", Identity: servertest.Guest(t, url)}).Append(nil)
	if _, err := nc.Write(servertest.ClientFrame(0x82, hello)); err != nil {
		t.Fatal(err)
	}
	readUntil(t, ws, func(op byte, p []byte) bool { return op == 0x2 && msgType(p) == protocol.MsgWelcome })
	return ws
}

func msgType(p []byte) protocol.MsgType {
	typ, _ := protocol.PeekType(p)
	return typ
}

// readUntil reads the server's frames until one satisfies ok.
func readUntil(t *testing.T, ws *servertest.RawWebSocket, ok func(op byte, p []byte) bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		op, p, err := ws.ReadFrame(deadline)
		if err != nil {
			t.Fatalf("reading frames: %v", err)
		}
		if ok(op, p) {
			return
		}
	}
}

// TestFramingOverTheWire: a message fragmented around a WebSocket ping is
// read whole and the ping answered with its payload; the client's close is
// echoed and the connection then closed.
func TestFramingOverTheWire(t *testing.T) {
	_, url := startServer(t, nil)
	ws := rawPlayer(t, url)
	ping := (&protocol.Ping{ClientTime: 123456}).Append(nil)
	frames := append(servertest.ClientFrame(0x02, ping[:2]), servertest.ClientFrame(0x89, []byte("hb"))...)
	frames = append(frames, servertest.ClientFrame(0x80, ping[2:])...)
	if _, err := ws.Conn.Write(frames); err != nil {
		t.Fatal(err)
	}
	var gotPong, gotMsg bool
	readUntil(t, ws, func(op byte, p []byte) bool {
		switch {
		case op == 0xA:
			if string(p) != "hb" {
				t.Errorf("pong payload %q, want hb", p)
			}
			gotPong = true
		case op == 0x2 && msgType(p) == protocol.MsgPong:
			var pong protocol.Pong
			if err := pong.Decode(p); err != nil || pong.ClientTime != 123456 {
				t.Errorf("pong message %+v (%v), want client time 123456", pong, err)
			}
			gotMsg = true
		}
		return gotPong && gotMsg
	})
	if _, err := ws.Conn.Write(servertest.ClientFrame(0x88, binary.BigEndian.AppendUint16(nil, 1000))); err != nil {
		t.Fatal(err)
	}
	code, _, err := ws.ReadClose(time.Now().Add(5 * time.Second))
	if err != nil || code != 1000 {
		t.Fatalf("close answer %d (%v), want 1000", code, err)
	}
	if _, _, err := ws.ReadFrame(time.Now().Add(5 * time.Second)); !errors.Is(err, io.EOF) {
		t.Fatalf("after the close handshake: %v, want the connection closed", err)
	}
}

// TestFramingBreachesAreClosed: frames RFC 6455 tells a server to refuse
// close the connection with the RFC's code, after the handshake as before.
func TestFramingBreachesAreClosed(t *testing.T) {
	_, url := startServer(t, nil)
	closeFrame := func(code uint16, reason string) []byte {
		return servertest.ClientFrame(0x88, append(binary.BigEndian.AppendUint16(nil, code), reason...))
	}
	big := bytes.Repeat([]byte{1}, 3000)
	tests := []struct {
		name string
		send []byte
		code int
	}{
		{"unmasked frame", []byte{0x82, 0x01, 0x90}, 1002},
		{"reserved bit", servertest.ClientFrame(0xC2, []byte{0x90}), 1002},
		{"reserved opcode", servertest.ClientFrame(0x83, []byte{0x90}), 1002},
		{"continuation without a message", servertest.ClientFrame(0x80, []byte{0x90}), 1002},
		{"new message inside a fragmented one", append(servertest.ClientFrame(0x02, []byte{0x92}), servertest.ClientFrame(0x82, []byte{0x90})...), 1002},
		{"fragmented ping", servertest.ClientFrame(0x09, nil), 1002},
		{"ping of 126 bytes", servertest.ClientFrame(0x89, make([]byte, 126)), 1002},
		{"one-byte close", servertest.ClientFrame(0x88, []byte{3}), 1002},
		{"reserved close code", closeFrame(1005, ""), 1002},
		{"close reason not UTF-8", closeFrame(1000, "\xff\xfe"), 1007},
		{"fragments over the limit", append(servertest.ClientFrame(0x02, big), servertest.ClientFrame(0x80, big)...), 1009},
		{"64-bit length with its top bit", []byte{0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4}, 1002},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := rawPlayer(t, url)
			if _, err := ws.Conn.Write(tt.send); err != nil {
				t.Fatal(err)
			}
			code, reason, err := ws.ReadClose(time.Now().Add(5 * time.Second))
			if err != nil || code != tt.code || reason == "" {
				t.Fatalf("closed with %d %q (%v), want %d with a reason", code, reason, err, tt.code)
			}
		})
	}
}
