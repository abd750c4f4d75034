package server_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// noisyRules is a game whose every entity changes every step, so each
// snapshot is several kilobytes: a client that stops reading fills its
// socket buffers within a fraction of a second.
type noisyRules struct{}

const noisyEntities = 400

func (noisyRules) Name() string    { return "noisy" }
func (noisyRules) TickRate() int   { return 60 }
func (noisyRules) MaxPlayers() int { return 4 }
func (noisyRules) Schema() game.Schema {
	return game.Schema{Kinds: []game.KindSchema{{Name: "dot", Fields: []string{"a", "b", "c", "d"}}}}
}
func (noisyRules) Static() game.Static             { return game.Static{} }
func (noisyRules) NewWorld(seed uint64) game.World { return &noisyWorld{} }

type noisyWorld struct{ tick uint32 }

func (w *noisyWorld) AddPlayer(game.PlayerID) error              { return nil }
func (w *noisyWorld) RemovePlayer(game.PlayerID)                 {}
func (w *noisyWorld) Step(tick uint32, _ []game.PlayerInput)     { w.tick = tick }
func (w *noisyWorld) AppendEvents(dst []game.Event) []game.Event { return dst }
func (w *noisyWorld) Outcome() game.Outcome                      { return game.Outcome{} }
func (w *noisyWorld) Hash() uint64                               { return uint64(w.tick) }
func (w *noisyWorld) AppendView(dst []game.Entity) []game.Entity {
	for i := range uint32(noisyEntities) {
		v := int32(w.tick*7919 + i*104729)
		dst = append(dst, game.Entity{ID: 1000 + i, Fields: [game.MaxFields]int32{v, -v, v * 3, v ^ 0x5555}})
	}
	return dst
}

// TestStalledClientHoldsNoSender: with a single sender for the whole
// server, one client stops reading until its socket buffers are full. Its
// writes go on off the sender, so another client of the match keeps its
// full snapshot rate; the stalled one is closed by the write watchdog.
func TestStalledClientHoldsNoSender(t *testing.T) {
	if testing.Short() {
		t.Skip("measures a snapshot rate: run alone (make test does)")
	}
	reg := prometheus.NewRegistry()
	srv, err := server.New(noisyRules{}, &server.Options{
		Registry:     reg,
		Senders:      1,
		WriteTimeout: time.Second,
		AckTimeout:   time.Minute, // the write watchdog, not the ack check, must close it
		Logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(srv.Handler())
	// Small server-side socket buffers, so the laggard stalls quickly.
	hs.Config.ConnContext = func(ctx context.Context, c net.Conn) context.Context {
		c.(*net.TCPConn).SetWriteBuffer(4 << 10)
		return ctx
	}
	hs.Start()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := srv.Close(ctx); err != nil {
			t.Errorf("close: %v", err)
		}
		hs.Close()
	})
	url := "ws" + strings.TrimPrefix(hs.URL, "http") + "/ws"

	laggard := dialSmallReadBuffer(t, url)
	handshake(t, laggard, "laggard") // and never reads again

	player := dial(t, url)
	handshake(t, player, "player")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	snapshots := make(chan time.Time, 1024)
	go func() {
		for {
			_, b, err := player.Read(ctx)
			if err != nil {
				close(snapshots)
				return
			}
			if typ, _ := protocol.PeekType(b); typ == protocol.MsgSnapshot {
				snapshots <- time.Now()
			}
		}
	}()

	servertest.WaitFor(t, "the laggard's writes to stall", func() bool {
		return servertest.Metric(t, reg, "skirmish_writes_stalled_total") > 0
	})
	// Count the player's snapshots over the next second and a half, while
	// the laggard's last write hangs.
	for len(snapshots) > 0 {
		<-snapshots
	}
	const window = 1500 * time.Millisecond
	got := 0
	deadline := time.After(window)
count:
	for {
		select {
		case _, ok := <-snapshots:
			if !ok {
				t.Fatal("the player's connection ended")
			}
			got++
		case <-deadline:
			break count
		}
	}
	if want := int(window.Seconds() * 30 * 0.9); got < want {
		t.Errorf("the player got %d snapshots in %v beside a stalled client, want at least %d", got, window, want)
	}
	servertest.WaitFor(t, "the stalled client to be closed", func() bool {
		st := srv.Matches()[0].Seats
		return st.Claimed == 1 && st.Held == 1 // the stalled client's seat is held
	})
	if n := servertest.Metric(t, reg, "skirmish_sessions_closed_by_server_total", "code", "1008"); n != 1 {
		t.Errorf("%v sessions closed with 1008, want the laggard's", n)
	}
}

// dialSmallReadBuffer dials with a small socket receive buffer.
func dialSmallReadBuffer(t *testing.T, url string) *websocket.Conn {
	t.Helper()
	dialer := &net.Dialer{}
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := dialer.DialContext(ctx, network, addr)
			if err == nil {
				c.(*net.TCPConn).SetReadBuffer(4 << 10)
			}
			return c, err
		},
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPClient: client})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return c
}

// TestUnansweredCloseHoldsNoSender: a client breaks the protocol and never
// reads again, so the server's close handshake with it waits its full
// timeout. That wait must not happen on a sender: with one sender for the
// whole server, another player keeps its snapshot rate meanwhile.
func TestUnansweredCloseHoldsNoSender(t *testing.T) {
	if testing.Short() {
		t.Skip("measures a snapshot rate: run alone (make test does)")
	}
	_, url := startServer(t, &server.Options{Senders: 1})
	w := watch(t, url)
	bad := make([]*websocket.Conn, 3)
	for i := range bad {
		bad[i] = dial(t, url)
		handshake(t, bad[i], "breaker")
	}
	time.Sleep(200 * time.Millisecond) // every breaker is in the match and being sent snapshots
	start, before := time.Now(), w.snapshots.Load()
	for _, c := range bad {
		// Garbage, then silence: the server's close frame is never read
		// nor answered.
		c.Write(context.Background(), websocket.MessageBinary, []byte{0xc1})
	}
	time.Sleep(1500 * time.Millisecond)
	got := float64(w.snapshots.Load() - before)
	want := time.Since(start).Seconds() * 30
	if err, _ := w.err.Load().(error); err != nil {
		t.Fatalf("the player failed: %v", err)
	}
	if got < want*0.9 {
		t.Errorf("the player got %.0f snapshots while breakers went unanswered, want about %.0f", got, want)
	}
}
