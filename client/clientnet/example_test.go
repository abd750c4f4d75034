package clientnet_test

import (
	"context"
	"fmt"
	"time"

	"github.com/skirmishgg/skirmish/client/clientnet"
	"github.com/skirmishgg/skirmish/protocol"
)

// A minimal player: one goroutine reads and keeps the view, another sends
// the current input at 30 Hz.
func Example() {
	ctx := context.Background()
	c, err := clientnet.Dial(ctx, "ws://localhost:8080/ws", &clientnet.DialOptions{Name: "alice"})
	if err != nil {
		fmt.Println(err) // websocket.CloseStatus(err) tells why a server refused
		return
	}
	defer c.Close()
	kind, x, _ := clientnet.LookupField(c.Welcome().Kinds, "player", "x")

	go func() {
		t := time.NewTicker(time.Second / 30)
		defer t.Stop()
		for range t.C {
			if _, err := c.SendInput(ctx, protocol.Input{MoveX: 127}); err != nil {
				return
			}
		}
	}()
	for {
		typ, err := c.Next(ctx)
		if err != nil {
			fmt.Println(err) // after a MatchEnd: close 1000 "match over"; dial again
			return
		}
		if typ == protocol.MsgSnapshot {
			if me := c.Replica().Find(c.Player()); me != nil && me.Kind == kind {
				fmt.Println("x =", me.Fields[x])
			}
		}
	}
}
