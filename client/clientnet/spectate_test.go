package clientnet

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// Against the real server: a spectator Dial gets the match's schema and
// delay, applies its snapshots (keyframe first) and holds the match's
// player; it sends no input. A match that is not there is a refusal.
func TestSpectateRealServer(t *testing.T) {
	srv, url := servertest.StartServer(t, arena.New(nil), &server.Options{SpectateDelay: 200 * time.Millisecond})
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	player, err := Dial(ctx, url, &DialOptions{Name: "ann", Identity: servertest.Guest(t, url)})
	if err != nil {
		t.Fatal(err)
	}
	defer player.Close()
	go func() { // the player reads, so it stays connected
		for {
			if _, err := player.Next(ctx); err != nil {
				return
			}
		}
	}()
	id := player.Welcome().Match

	list, err := ListMatches(ctx, url)
	if err != nil || len(list) != 1 || list[0].ID != id || list[0].Players != 1 || !list[0].Spectatable || list[0].Game != "arena" {
		t.Fatalf("ListMatches = %+v, %v", list, err)
	}

	for _, tc := range []struct {
		name  string
		match string
		code  websocket.StatusCode
	}{
		{"watch", id, 0},
		{"unknown match", "nope", protocol.CloseUnknownMatch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Dial(ctx, url, &DialOptions{Spectate: tc.match, Identity: servertest.Guest(t, url)})
			if tc.code != 0 {
				if !errors.Is(err, ErrRefused) || websocket.CloseStatus(err) != tc.code {
					t.Fatalf("Dial = %v, want a refusal with %d", err, tc.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			delay, ok := c.Spectating()
			if !ok || delay != 200*time.Millisecond || c.Player() != 0 || c.Welcome().Match != id || len(c.Welcome().Kinds) == 0 {
				t.Fatalf("spectating %v %v, player %d, welcome %+v", delay, ok, c.Player(), c.Welcome())
			}
			if _, err := c.SendInput(ctx, protocol.Input{MoveX: 1}); !errors.Is(err, ErrSpectator) {
				t.Fatalf("SendInput = %v, want ErrSpectator", err)
			}
			for snaps := 0; snaps < 5; {
				typ, err := c.Next(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if typ == protocol.MsgSnapshot {
					snaps++
				}
			}
			tick, view := c.View()
			if len(view) == 0 || srv.Matches()[0].Tick < tick+12 {
				t.Fatalf("spectator at tick %d with %d entities; server at %d, want 12 ticks ahead at least", tick, len(view), srv.Matches()[0].Tick)
			}
		})
	}
}

// A Client spectating a match that is not (or no longer) there stops at
// once: retrying cannot bring the match back.
func TestSpectateUnknownMatchIsFinal(t *testing.T) {
	_, url := servertest.StartServer(t, arena.New(nil), nil)
	c := Open(t.Context(), url, &ClientOptions{
		Dial: DialOptions{Spectate: "gone", Identity: servertest.Guest(t, url)}, Game: arena.New(nil),
		BackoffMin: 5 * time.Millisecond, BackoffMax: 50 * time.Millisecond,
	})
	defer c.Close()
	select {
	case <-c.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the Client is still retrying a match that is not there")
	}
	if code := websocket.CloseStatus(c.Err()); code != protocol.CloseUnknownMatch {
		t.Fatalf("Client ended with %v, want close 4010", c.Err())
	}
}
