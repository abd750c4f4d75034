package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
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
// snapshot, with the default 2 s delay) over loopback. Over a 10-second
// window it reports the server's processor time from /proc
// (server-cpu-ms/s), the mean simulation step from its
// skirmish_tick_duration_seconds (tick-us: what the spectators add to the
// tick itself) and its skirmish_bytes_out_total (bytes-out/s). The
// difference between the two runs, divided by 100, is the cost of one
// spectator-second.
//
//	go test -run '^$' -bench BenchmarkSpectatorCost -benchtime 1x ./cmd/skirmish
func BenchmarkSpectatorCost(b *testing.B) {
	bin := servertest.BuildCommand(b, "./cmd/skirmish")
	for _, spectators := range []int{0, 100} {
		b.Run(fmt.Sprintf("spectators=%d", spectators), func(b *testing.B) {
			p := servertest.StartProcess(b, "serve", bin, "serve", "-addr", "127.0.0.1:0", "-matchmaking=false",
				"-web", "", "-log-level", "warn", "-max-conns-per-ip", "0", "-guest-rate", "0", "-max-spectators-per-ip", "0")
			url := "ws://" + p.Addr + "/ws"
			ctx, cancel := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			defer func() { cancel(); wg.Wait() }()
			dial := func(o clientnet.DialOptions) *clientnet.Conn {
				id, err := clientnet.FetchGuest(ctx, url)
				if err != nil {
					b.Fatal(err)
				}
				o.Identity = id.Token
				c, err := clientnet.Dial(ctx, url, &o)
				if err != nil {
					b.Fatal(err)
				}
				return c
			}
			var match string
			for i := range 8 {
				c := dial(clientnet.DialOptions{Name: fmt.Sprint("p", i)})
				match = c.Welcome().Match
				wg.Go(func() { benchPlay(ctx, c, i) })
			}
			for range spectators {
				c := dial(clientnet.DialOptions{Spectate: match})
				wg.Go(func() { benchRead(ctx, c) })
			}
			time.Sleep(4 * time.Second) // everyone settled, the delay passed
			const window = 10 * time.Second
			for b.Loop() {
				before, err := p.CPU()
				if err != nil {
					b.Skip(err)
				}
				m0 := scrape(b, p.Addr)
				time.Sleep(window)
				after, err := p.CPU()
				if err != nil {
					b.Fatal(err)
				}
				m1 := scrape(b, p.Addr)
				b.ReportMetric(float64(after-before)/float64(time.Millisecond)/window.Seconds(), "server-cpu-ms/s")
				ticks := m1["skirmish_tick_duration_seconds_count"] - m0["skirmish_tick_duration_seconds_count"]
				b.ReportMetric((m1["skirmish_tick_duration_seconds_sum"]-m0["skirmish_tick_duration_seconds_sum"])/ticks*1e6, "tick-us")
				b.ReportMetric((m1["skirmish_bytes_out_total"]-m0["skirmish_bytes_out_total"])/window.Seconds(), "bytes-out/s")
			}
		})
	}
}

// scrape reads the unlabelled samples of a server's /metrics.
func scrape(b *testing.B, addr string) map[string]float64 {
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok || strings.HasPrefix(name, "#") || strings.Contains(name, "{") {
			continue
		}
		if v, err := strconv.ParseFloat(value, 64); err == nil {
			out[name] = v
		}
	}
	return out
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
