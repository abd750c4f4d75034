package main

import (
	"context"
	"io"
	"log/slog"
	"math"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/client/bot"
	"github.com/skirmishgg/skirmish/client/clientnet"
	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/servertest"
	"github.com/skirmishgg/skirmish/server/setup"
)

// startStack runs what `skirmish serve` runs, with matchmaking, on loopback
// and returns the game endpoint's URL and a stop function (also run at
// cleanup).
func startStack(t *testing.T, base *arena.Config) (*servertest.Stack, string, func()) {
	t.Helper()
	st := servertest.StartStack(t, setup.Options{
		Server:   server.Options{Seed: 3},
		Modes:    arena.Modes(base),
		Capacity: 4096,
	})
	return st, st.URL, st.Stop
}

// TestMatchmaking200Bots queues 200 bots at once in two modes; every one
// must land in a full match, and the queue-to-join waits are reported.
func TestMatchmaking200Bots(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 200 bots")
	}
	baseline := runtime.NumGoroutine()
	st, url, stop := startStack(t, nil)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	runs := []struct {
		mode string
		bots int
		size int
	}{
		{"ffa", 96, 16}, // six full matches
		{"duel", 104, 2},
	}
	var (
		wg      sync.WaitGroup
		reports = make([]bot.Report, len(runs))
		errs    = make([]error, len(runs))
	)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for i, r := range runs {
		wg.Go(func() {
			reports[i], errs[i] = bot.Run(ctx, &bot.Options{
				URL: url, Bots: r.bots, Mode: r.mode, Duration: 4 * time.Second,
				InputRate: 10, Seed: uint64(100 * i), Name: r.mode, Logger: quiet,
			})
		})
	}

	// While they play, every match must be full.
	want := map[string]int{"ffa": 96 / 16, "duel": 104 / 2}
	deadline := time.Now().Add(30 * time.Second)
	for {
		full, players := map[string]int{}, 0
		for _, m := range st.Server.Matches() {
			players += m.Players
			if m.Players == m.MaxPlayers {
				full[m.Mode]++
			}
		}
		if players == 200 && full["ffa"] == want["ffa"] && full["duel"] == want["duel"] {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 30 s: %d players seated, full matches %v, want 200 in %v", players, full, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
	wg.Wait()

	for i, r := range runs {
		if errs[i] != nil {
			t.Fatalf("%s bots: %v", r.mode, errs[i])
		}
		rep := reports[i]
		if err := rep.Err(); err != nil {
			t.Errorf("%s bots: %v", r.mode, err)
		}
		for _, b := range rep.Bots {
			if b.Queued == 0 || b.Disconnects != 0 {
				t.Errorf("%s bot %d: queued %d times, %d disconnects (%s)", r.mode, b.Index, b.Queued, b.Disconnects, b.LastError)
			}
		}
		t.Logf("%s: %d bots, queue→join p50 %v p99 %v max %v", r.mode, len(rep.Bots), rep.QueueWait.P50, rep.QueueWait.P99, rep.QueueWait.Max)
	}
	cancel()
	stop()
	expectGoroutines(t, baseline)
}

// TestDroppedPlayerResumesWithItsScore: a player scores, its connection
// drops, and it reconnects with its join token within the grace period: same
// player, same score.
func TestDroppedPlayerResumesWithItsScore(t *testing.T) {
	if testing.Short() {
		t.Skip("plays a duel for a few seconds")
	}
	// One hit kills, so the scripted player scores quickly.
	_, url, _ := startStack(t, &arena.Config{MaxHP: 10})
	queueURL, err := clientnet.QueueURL(url)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	// The opponent: a bot that queues for a duel and plays.
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	var wg sync.WaitGroup
	defer wg.Wait()
	botCtx, stopBot := context.WithCancel(ctx)
	defer stopBot()
	wg.Go(func() { bot.Run(botCtx, &bot.Options{URL: url, Mode: "duel", Seed: 5, Logger: quiet}) })

	id, err := clientnet.FetchGuest(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	a, err := clientnet.Queue(ctx, queueURL, clientnet.QueueRequest{Mode: "duel", Skill: 1500, Identity: id.Token, Name: "dropper"}, nil)
	if err != nil {
		t.Fatalf("queue: %v", err)
	}
	token := a.TokenFor(id.Player)
	conn, err := clientnet.Dial(ctx, a.HostURL, &clientnet.DialOptions{Name: "dropper", Resume: token, Identity: id.Token})
	if err != nil {
		t.Fatalf("join: %v", err)
	}
	me := conn.Welcome().Player
	score := hunt(t, ctx, conn, 1)
	conn.CloseNow() // the connection drops: no close handshake

	time.Sleep(200 * time.Millisecond)
	// Its token in another player's hands takes nothing.
	thief, err := clientnet.FetchGuest(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := clientnet.Dial(ctx, a.HostURL, &clientnet.DialOptions{Resume: token, Identity: thief.Token}); websocket.CloseStatus(err) != protocol.CloseBadToken {
		t.Fatalf("another identity resuming the seat: %v, want 4005", err)
	}
	back, err := clientnet.Dial(ctx, a.HostURL, &clientnet.DialOptions{Name: "dropper", Resume: token, Identity: id.Token})
	if err != nil {
		t.Fatalf("resume: %v", err)
	}
	defer back.Close()
	if back.Welcome().Player != me || back.Welcome().Match != a.Match {
		t.Fatalf("resumed as player %d in %s, want %d in %s", back.Welcome().Player, back.Welcome().Match, me, a.Match)
	}
	if got := hunt(t, ctx, back, 0); got < score {
		t.Fatalf("score after resuming = %d, want at least %d", got, score)
	}
}

// hunt plays the own player toward the opponent, firing at it, until the
// own score reaches goal, and returns the score.
func hunt(t *testing.T, ctx context.Context, conn *clientnet.Conn, goal int32) int32 {
	t.Helper()
	me := conn.Welcome().Player
	for {
		typ, err := conn.Next(ctx)
		if err != nil {
			t.Fatalf("playing: %v", err)
		}
		if typ != protocol.MsgSnapshot {
			continue
		}
		self := conn.Replica().Find(me)
		if self == nil {
			continue
		}
		if self.Fields[arena.PlayerScore] >= goal {
			return self.Fields[arena.PlayerScore]
		}
		_, entities := conn.View()
		for _, e := range entities {
			if e.Kind != arena.KindPlayer || e.ID == me {
				continue
			}
			dx := float64(e.Fields[arena.PlayerX] - self.Fields[arena.PlayerX])
			dy := float64(e.Fields[arena.PlayerY] - self.Fields[arena.PlayerY])
			angle := math.Atan2(dy, dx)
			if angle < 0 {
				angle += 2 * math.Pi
			}
			in := protocol.Input{Aim: uint16(angle / (2 * math.Pi) * 65536), Buttons: game.ButtonFire}
			if d := math.Hypot(dx, dy); d > 600 { // close in to get a line of fire
				in.MoveX, in.MoveY = int8(dx/d*game.AxisMax), int8(dy/d*game.AxisMax)
			}
			if _, err := conn.SendInput(ctx, in); err != nil {
				t.Fatalf("input: %v", err)
			}
			break
		}
	}
}
