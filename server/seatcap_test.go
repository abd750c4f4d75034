package server_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/registry"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// dialFrom dials url from the local address ip.
func dialFrom(t *testing.T, url, ip string) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPClient: servertest.HTTPClientFrom(ip)})
	if err != nil {
		t.Fatalf("dial from %s: %v", ip, err)
	}
	c.SetReadLimit(1 << 20)
	t.Cleanup(func() { c.CloseNow() })
	identities.Store(c, guestIfServed(url))
	return c
}

// helloThenReset says Hello and drops the connection as soon as it is
// answered, leaving its seat held for the grace period. It returns the
// close the server answered with, or nil after a Welcome.
func helloThenReset(t *testing.T, url, ip string) *websocket.CloseError {
	t.Helper()
	c := dialFrom(t, url, ip)
	writeMsg(t, c, &protocol.Hello{Version: protocol.Version, Name: "ghost", Identity: identityOf(c)})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	defer c.CloseNow() // a reset, not a goodbye: the seat is held
	for {
		_, b, err := c.Read(ctx)
		var ce websocket.CloseError
		switch {
		case errors.As(err, &ce):
			return &ce
		case err != nil:
			t.Fatalf("hello from %s: %v", ip, err)
		}
		if typ, _ := protocol.PeekType(b); typ == protocol.MsgWelcome {
			return nil
		}
	}
}

// TestDirectSeatsCappedPerAddress: in direct-join mode, connections that
// say Hello and reset from one address hold at most MaxSeatsPerAddr seats
// (each held for the grace period); the rest are refused with 1013, and a
// player from another address still gets in.
func TestDirectSeatsCappedPerAddress(t *testing.T) {
	const ghosts, perAddr = 120, 16
	srv, url := servertest.StartServer(t, arena.New(nil), &server.Options{
		ResumeGrace: time.Minute,
		Limits:      registry.Limits{MaxSeatsPerAddr: perAddr},
	})
	admitted := 0
	for range ghosts {
		ce := helloThenReset(t, url, "127.0.0.1")
		switch {
		case ce == nil:
			admitted++
		case ce.Code != websocket.StatusCode(protocol.CloseTryAgainLater) || ce.Reason != "too many seats held from your address: leave a match first":
			t.Fatalf("refusal %d %q, want 1013 saying too many seats", ce.Code, ce.Reason)
		}
	}
	taken := 0
	for _, m := range srv.Matches() {
		taken += m.Seats.Taken()
	}
	if admitted != perAddr || taken != perAddr {
		t.Fatalf("%d Hello-then-reset connections from one address: %d admitted, %d seats taken; want %d", ghosts, admitted, taken, perAddr)
	}
	other := dialFrom(t, url, "127.0.0.2")
	handshake(t, other, "real player")
}

// TestDirectCapacity: -capacity applies to direct placement; the player
// past it is refused with 1013 "server full".
func TestDirectCapacity(t *testing.T) {
	const capacity = 20
	_, url := servertest.StartServer(t, arena.New(&arena.Config{MaxPlayers: 8}), &server.Options{
		Limits: registry.Limits{Capacity: capacity},
	})
	for range capacity {
		handshake(t, dial(t, url), "player")
	}
	c := dial(t, url)
	writeMsg(t, c, &protocol.Hello{Version: protocol.Version, Name: "one too many", Identity: identityOf(c)})
	expectClose(t, c, websocket.StatusCode(protocol.CloseTryAgainLater), "server full")
}
