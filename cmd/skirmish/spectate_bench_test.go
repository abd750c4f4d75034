package main

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/client/clientnet"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// BenchmarkSpectatorCost measures what spectators cost a real server: a
// `skirmish serve` process runs one 8-player match (Go clients moving and
// shooting) watched by 0 or 100 spectators (Go clients reading every
// snapshot) over loopback, and the server's processor time over a
// 10-second window is read from /proc. server-cpu-ms/s is its rate;
// the difference between the two runs, divided by 100, is the cost of one
// spectator-second.
//
//	go test -run '^$' -bench BenchmarkSpectatorCost -benchtime 1x ./cmd/skirmish
func BenchmarkSpectatorCost(b *testing.B) {
	bin := servertest.BuildCommand(b, "./cmd/skirmish")
	for _, spectators := range []int{0, 100} {
		b.Run(fmt.Sprintf("spectators=%d", spectators), func(b *testing.B) {
			p := servertest.StartProcess(b, "serve", bin, "serve", "-addr", "127.0.0.1:0", "-matchmaking=false",
				"-spectate-delay", "0", "-web", "", "-log-level", "warn", "-max-conns-per-ip", "0")
			url := "ws://" + p.Addr + "/ws"
			ctx, cancel := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			defer func() { cancel(); wg.Wait() }()
			var match string
			for i := range 8 {
				c, err := clientnet.Dial(ctx, url, &clientnet.DialOptions{Name: fmt.Sprint("p", i)})
				if err != nil {
					b.Fatal(err)
				}
				match = c.Welcome().Match
				wg.Go(func() { benchPlay(ctx, c, i) })
			}
			for range spectators {
				c, err := clientnet.Dial(ctx, url, &clientnet.DialOptions{Spectate: match})
				if err != nil {
					b.Fatal(err)
				}
				wg.Go(func() { benchRead(ctx, c) })
			}
			time.Sleep(2 * time.Second) // everyone settled
			const window = 10 * time.Second
			for b.Loop() {
				before, err := p.CPU()
				if err != nil {
					b.Skip(err)
				}
				time.Sleep(window)
				after, err := p.CPU()
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(after-before)/float64(time.Millisecond)/window.Seconds(), "server-cpu-ms/s")
			}
		})
	}
}

// benchPlay moves and shoots at 30 Hz, reading what the server sends.
func benchPlay(ctx context.Context, c *clientnet.Conn, i int) {
	defer c.CloseNow()
	go benchRead(ctx, c)
	t := time.NewTicker(time.Second / 30)
	defer t.Stop()
	for n := 0; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		in := protocol.Input{MoveX: int8(100 - (n/30+i)%3*100), MoveY: int8((n/45+i)%3*100 - 100), Aim: uint16(n * 997), Buttons: uint8(n / 10 % 2)}
		if _, err := c.SendInput(ctx, in); err != nil {
			return
		}
	}
}

// benchRead applies everything the server sends until ctx ends.
func benchRead(ctx context.Context, c *clientnet.Conn) {
	defer c.CloseNow()
	for {
		if _, err := c.Next(ctx); err != nil {
			return
		}
	}
}
