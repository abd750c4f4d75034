package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/matchapi"
	"github.com/skirmishgg/skirmish/server/servertest"
	"github.com/skirmishgg/skirmish/server/setup"
)

// queueFrom opens a queue connection from the local address ip and sends
// q; it returns the connection.
func queueFrom(t *testing.T, base, ip string, q *protocol.Queue) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/v1/matchmaking/ws",
		&websocket.DialOptions{HTTPClient: servertest.HTTPClientFrom(ip)})
	if err != nil {
		t.Fatalf("queue from %s: %v", ip, err)
	}
	t.Cleanup(func() { c.CloseNow() })
	if err := c.Write(ctx, websocket.MessageBinary, q.Append(nil)); err != nil {
		t.Fatal(err)
	}
	return c
}

// queueOutcome reads a queue connection until it is assigned ("assigned"),
// refused (the QueueError's code) or d passes ("waiting").
func queueOutcome(c *websocket.Conn, d time.Duration) string {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	for {
		_, b, err := c.Read(ctx)
		if err != nil {
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return "waiting"
			}
			return "closed: " + err.Error()
		}
		switch typ, _ := protocol.PeekType(b); typ {
		case protocol.MsgAssigned:
			return "assigned"
		case protocol.MsgQueueError:
			var e protocol.QueueError
			e.Decode(b)
			return e.Code
		}
	}
}

// TestAnonymousPartiesCannotTakeEverySeat is finding 1 of issue 11. A
// party can no longer be declared by one connection (server/matchapi's
// TestOneConnectionCannotDeclareAParty), so the attack becomes many guest
// identities from one address, each queueing and never using its token.
// Past the per-address cap of live tickets they are refused, so they hold a
// bounded share of the seats, and a real duel pair from other addresses is
// matched at once.
func TestAnonymousPartiesCannotTakeEverySeat(t *testing.T) {
	const (
		capacity  = 256
		attackers = 20
		perIP     = 8
	)
	st := servertest.StartStack(t, setup.Options{
		Server:   server.Options{Seed: 5},
		Modes:    arena.Modes(nil),
		Capacity: capacity,
		Queue:    matchapi.Options{MaxTicketsPerIP: perIP},
	})
	refused := 0
	var conns []*websocket.Conn
	for i := range attackers {
		q := &protocol.Queue{Version: protocol.Version, Mode: "ffa", Skill: 1500,
			Identity: servertest.Guest(t, st.HTTP), Name: fmt.Sprintf("ghost-%d", i)}
		conns = append(conns, queueFrom(t, st.HTTP, "127.0.0.1", q))
	}
	var wg sync.WaitGroup
	outcomes := make([]string, len(conns))
	for i, c := range conns {
		wg.Go(func() { outcomes[i] = queueOutcome(c, 3*time.Second) })
	}
	wg.Wait()
	for _, o := range outcomes {
		if o == "too_many_tickets" {
			refused++
		}
	}
	if refused != attackers-perIP {
		t.Fatalf("attackers' outcomes %v: %d refused, want %d", outcomes, refused, attackers-perIP)
	}

	// The duel pair, from other addresses, is matched within a few passes.
	start := time.Now()
	pair := []*websocket.Conn{
		queueFrom(t, st.HTTP, "127.0.0.2", &protocol.Queue{Version: protocol.Version, Mode: "duel", Skill: 1500, Identity: servertest.Guest(t, st.HTTP), Name: "ann"}),
		queueFrom(t, st.HTTP, "127.0.0.3", &protocol.Queue{Version: protocol.Version, Mode: "duel", Skill: 1500, Identity: servertest.Guest(t, st.HTTP), Name: "bob"}),
	}
	for i, c := range pair {
		if o := queueOutcome(c, 5*time.Second); o != "assigned" {
			t.Fatalf("duel player %d after the attack: %s, want assigned", i, o)
		}
	}
	t.Logf("the duel pair was assigned %v after queueing", time.Since(start).Round(time.Millisecond))
}
