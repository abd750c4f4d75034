package server_test

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// TestSeatedPlayersAreReadByTheEventLoop: a player whose Hello and first
// inputs come in one TCP segment with the upgrade is seated, its
// connection handed to the event loop with those inputs applied (not
// lost), and the loop goes on reading its inputs, pings and close.
func TestSeatedPlayersAreReadByTheEventLoop(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the event loop is linux only")
	}
	for _, tt := range []struct {
		name   string
		thread bool
	}{{"on Go's poller", false}, {"on a thread of its own", true}} {
		t.Run(tt.name, func(t *testing.T) { testEventLoop(t, &server.Options{EventLoopThread: tt.thread}) })
	}
}

func testEventLoop(t *testing.T, opts *server.Options) {
	srv, url := startServer(t, opts)
	looped := func() float64 {
		return servertest.Metric(t, srv.Registry(), "skirmish_event_loop_connections")
	}
	addr := strings.TrimSuffix(strings.TrimPrefix(url, "ws://"), "/ws")
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	hello := (&protocol.Hello{Version: protocol.Version, Name: "early", Identity: servertest.Guest(t, url)}).Append(nil)
	req := "GET /ws HTTP/1.1\r\nHost: " + addr + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
	early := append([]byte(req), servertest.ClientFrame(0x82, hello)...)
	for seq := uint32(1); seq <= 3; seq++ {
		early = append(early, servertest.ClientFrame(0x82, (&protocol.Input{Seq: seq, MoveX: 1}).Append(nil))...)
	}
	if _, err := nc.Write(early); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(nc)
	nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("upgrade: %v %v", resp, err)
	}
	ws := &servertest.RawWebSocket{Conn: nc, R: br}
	waitSeq := func(seq uint32) {
		t.Helper()
		readUntil(t, ws, func(op byte, p []byte) bool {
			var s protocol.Snapshot
			return op == 0x2 && msgType(p) == protocol.MsgSnapshot && s.Decode(p) == nil && s.LastSeq == seq
		})
	}
	waitSeq(3) // the inputs right behind the Hello
	servertest.WaitFor(t, "the connection on the event loop", func() bool { return looped() == 1 })

	if _, err := nc.Write(servertest.ClientFrame(0x82, (&protocol.Input{Seq: 4, MoveX: 1}).Append(nil))); err != nil {
		t.Fatal(err)
	}
	waitSeq(4)
	if _, err := nc.Write(servertest.ClientFrame(0x89, []byte("loop"))); err != nil {
		t.Fatal(err)
	}
	readUntil(t, ws, func(op byte, p []byte) bool { return op == 0xA && string(p) == "loop" })

	if _, err := nc.Write(servertest.ClientFrame(0x88, binary.BigEndian.AppendUint16(nil, 1000))); err != nil {
		t.Fatal(err)
	}
	if code, _, err := ws.ReadClose(time.Now().Add(5 * time.Second)); err != nil || code != 1000 {
		t.Fatalf("close answer %d (%v), want 1000", code, err)
	}
	if _, _, err := ws.ReadFrame(time.Now().Add(5 * time.Second)); !errors.Is(err, io.EOF) {
		t.Fatalf("after the close handshake: %v, want the connection closed", err)
	}
	servertest.WaitFor(t, "the loop to let the connection go", func() bool { return looped() == 0 })
}
