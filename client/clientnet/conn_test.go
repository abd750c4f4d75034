package clientnet

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/servertest"
)

func readInto(ctx context.Context, ws *websocket.Conn, m protocol.Message) error {
	_, b, err := ws.Read(ctx)
	if err != nil {
		return err
	}
	return m.Decode(b)
}

func send(ctx context.Context, ws *websocket.Conn, m protocol.Message) error {
	return ws.Write(ctx, websocket.MessageBinary, m.Append(nil))
}

func testWelcome() *protocol.Welcome {
	return &protocol.Welcome{
		Version: protocol.Version, Player: 2, Match: "m1",
		TickRate: 60, SnapshotRate: 30, Resume: "tok", Kinds: testKinds,
	}
}

// welcome sends Welcome and a Join for each of two players.
func welcome(ctx context.Context, ws *websocket.Conn, hello protocol.Hello) error {
	if err := send(ctx, ws, testWelcome()); err != nil {
		return err
	}
	if err := send(ctx, ws, &protocol.Join{Player: 1, Name: "other"}); err != nil {
		return err
	}
	return send(ctx, ws, &protocol.Join{Player: 2, Name: hello.Name})
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func mustNext(t *testing.T, c *Conn, want protocol.MsgType) {
	t.Helper()
	typ, err := c.Next(t.Context())
	if err != nil {
		t.Fatalf("Next: %v (want message type %d)", err, want)
	}
	if typ != want {
		t.Fatalf("Next: message type %d, want %d", typ, want)
	}
}

func TestDialHandshake(t *testing.T) {
	fs := servertest.NewScripted(t, func(ctx context.Context, ws *websocket.Conn, hello protocol.Hello) error {
		if hello.Version != protocol.Version || hello.Name != "alice" || hello.Resume != "" {
			return errors.New("unexpected hello")
		}
		if err := welcome(ctx, ws, hello); err != nil {
			return err
		}
		_, _, err := ws.Read(ctx) // until the client closes
		if websocket.CloseStatus(err) != websocket.StatusNormalClosure {
			return err
		}
		return nil
	})
	c, err := Dial(t.Context(), fs.URL, &DialOptions{Name: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	w := c.Welcome()
	if w.Player != 2 || c.Player() != 2 || w.Match != "m1" || w.TickRate != 60 || w.SnapshotRate != 30 || w.Resume != "tok" || len(w.Kinds) != 2 {
		t.Fatalf("welcome %+v", w)
	}
	mustNext(t, c, protocol.MsgJoin)
	if j := c.Join(); j.Player != 1 || j.Name != "other" {
		t.Fatalf("join %+v", j)
	}
	mustNext(t, c, protocol.MsgJoin)
	if j := c.Join(); j.Player != 2 || j.Name != "alice" {
		t.Fatalf("join %+v", j)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestDialBadVersion(t *testing.T) {
	fs := servertest.NewScripted(t, func(ctx context.Context, ws *websocket.Conn, hello protocol.Hello) error {
		return ws.Close(protocol.CloseBadVersion, "unsupported protocol version 1: this server speaks 2")
	})
	c, err := Dial(t.Context(), fs.URL, nil)
	if err == nil {
		c.Close()
		t.Fatal("Dial succeeded against a server of another version")
	}
	if got := websocket.CloseStatus(err); got != protocol.CloseBadVersion {
		t.Fatalf("close status %d, want %d (err %v)", got, protocol.CloseBadVersion, err)
	}
	if !strings.Contains(err.Error(), "this server speaks 2") {
		t.Fatalf("error %q does not carry the server's reason", err)
	}
}

func TestDialWrongFirstMessage(t *testing.T) {
	fs := servertest.NewScripted(t, func(ctx context.Context, ws *websocket.Conn, hello protocol.Hello) error {
		if err := send(ctx, ws, &protocol.Join{Player: 1, Name: "x"}); err != nil {
			return err
		}
		_, _, err := ws.Read(ctx)
		if websocket.CloseStatus(err) != protocol.CloseUnexpected {
			return errors.New("client did not close with 4002: " + err.Error())
		}
		return nil
	})
	_, err := Dial(t.Context(), fs.URL, nil)
	if !errors.Is(err, ErrUnexpected) {
		t.Fatalf("Dial: %v, want ErrUnexpected", err)
	}
}

func TestDialHandshakeTimeout(t *testing.T) {
	fs := servertest.NewScripted(t, func(ctx context.Context, ws *websocket.Conn, hello protocol.Hello) error {
		ws.Read(ctx) // never answers; returns when the client gives up
		return nil
	})
	start := time.Now()
	_, err := Dial(t.Context(), fs.URL, &DialOptions{HandshakeTimeout: 100 * time.Millisecond})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Dial: %v, want a deadline error", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Dial took %v", d)
	}
}

func TestConnSnapshotsInputsAndRTT(t *testing.T) {
	v1 := []protocol.Entity{player(1, 10, 20, 0), player(2, 30, 40, 0)}
	v2 := []protocol.Entity{player(1, 11, 20, 0), player(2, 30, 41, 0), bullet(100, 11, 20)}
	v3 := []protocol.Entity{player(1, 12, 20, 1), bullet(100, 11, 20)}
	counts := testCounts(t)
	fs := servertest.NewScripted(t, func(ctx context.Context, ws *websocket.Conn, hello protocol.Hello) error {
		if err := send(ctx, ws, testWelcome()); err != nil {
			return err
		}
		write := func(b []byte) error { return ws.Write(ctx, websocket.MessageBinary, b) }
		if err := write(protocol.AppendSnapshot(nil, 2, 0, 0, nil, v1, counts)); err != nil {
			return err
		}
		var in protocol.Input
		if err := readInto(ctx, ws, &in); err != nil {
			return err
		}
		if in.Seq != 1 || in.Ack != 2 || in.MoveX != 127 || in.Buttons != 1 {
			return fmt.Errorf("input %+v, want seq 1 ack 2 moveX 127 buttons 1", in)
		}
		if err := write(protocol.AppendSnapshot(nil, 4, 2, 1, v1, v2, counts)); err != nil {
			return err
		}
		if err := send(ctx, ws, &protocol.Event{Tick: 4, Kind: 3, Actor: 1, Value: 1}); err != nil {
			return err
		}
		for seq := uint32(2); seq <= 3; seq++ {
			if err := readInto(ctx, ws, &in); err != nil {
				return err
			}
			if in.Seq != seq || in.Ack != 4 {
				return fmt.Errorf("input %+v, want seq %d ack 4", in, seq)
			}
		}
		var ping protocol.Ping
		if err := readInto(ctx, ws, &ping); err != nil {
			return err
		}
		if err := send(ctx, ws, &protocol.Pong{ClientTime: ping.ClientTime, ServerTick: 7}); err != nil {
			return err
		}
		// Tick 8 after 4: two ticks beyond the interval of 2.
		if err := write(protocol.AppendSnapshot(nil, 8, 4, 3, v2, v3, counts)); err != nil {
			return err
		}
		if err := send(ctx, ws, &protocol.MatchEnd{Tick: 8, Reason: "score_limit", Winner: 1,
			Results: []protocol.Result{{Player: 1, Score: 1}, {Player: 2}}}); err != nil {
			return err
		}
		return ws.Close(websocket.StatusNormalClosure, "match over")
	})

	clock := &fakeClock{t: time.Unix(1000, 0)}
	var samples []sample
	c, err := Dial(t.Context(), fs.URL, &DialOptions{
		Now:   clock.Now,
		OnRTT: func(seq uint32, rtt time.Duration) { samples = append(samples, sample{seq, rtt}) },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := t.Context()

	mustNext(t, c, protocol.MsgSnapshot)
	if tick, es := c.View(); tick != 2 || len(es) != 2 {
		t.Fatalf("view after full snapshot: %d %+v", tick, es)
	}
	if seq, err := c.SendInput(ctx, protocol.Input{Seq: 99, Ack: 99, MoveX: 127, Buttons: 1}); err != nil || seq != 1 {
		t.Fatalf("SendInput: %d %v", seq, err)
	}
	clock.Advance(30 * time.Millisecond)
	mustNext(t, c, protocol.MsgSnapshot)
	if tick, es := c.View(); tick != 4 || len(es) != 3 || c.Replica().Find(100) == nil {
		t.Fatalf("view after delta: %d %+v", tick, es)
	}
	if s := c.Snapshot(); s.Base != 2 || s.LastSeq != 1 || len(s.Created) != 1 {
		t.Fatalf("last snapshot %+v", s)
	}
	mustNext(t, c, protocol.MsgEvent)
	if ev := c.Event(); ev.Kind != 3 || ev.Actor != 1 || ev.Value != 1 {
		t.Fatalf("event %+v", ev)
	}
	for want := uint32(2); want <= 3; want++ {
		if seq, err := c.SendInput(ctx, protocol.Input{}); err != nil || seq != want {
			t.Fatalf("SendInput: %d %v, want seq %d", seq, err, want)
		}
		clock.Advance(10 * time.Millisecond)
	}
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	clock.Advance(5 * time.Millisecond)
	mustNext(t, c, protocol.MsgPong)
	if p := c.Pong(); p.ServerTick != 7 {
		t.Fatalf("pong %+v", p)
	}
	mustNext(t, c, protocol.MsgSnapshot)
	if tick, es := c.View(); tick != 8 || len(es) != 2 || c.Replica().Find(2) != nil {
		t.Fatalf("view after second delta: %d %+v", tick, es)
	}
	mustNext(t, c, protocol.MsgMatchEnd)
	if end, ok := c.MatchEnd(); !ok || end.Reason != "score_limit" || end.Winner != 1 || len(end.Results) != 2 {
		t.Fatalf("match end %+v %v", end, ok)
	}
	_, err = c.Next(ctx)
	if websocket.CloseStatus(err) != websocket.StatusNormalClosure {
		t.Fatalf("Next after match over: %v, want close 1000", err)
	}
	if _, err2 := c.Next(ctx); err2 != err {
		t.Fatalf("Next after an error: %v, want the same error %v", err2, err)
	}

	wantSamples := []sample{{1, 30 * time.Millisecond}, {2, 25 * time.Millisecond}, {3, 15 * time.Millisecond}}
	if !equalSamples(samples, wantSamples) {
		t.Fatalf("RTT samples %v, want %v", samples, wantSamples)
	}
	st := c.Stats()
	if st.Snapshots != 3 || st.Messages != 6 || st.Bytes == 0 || st.Inputs != 3 || st.Pings != 1 {
		t.Fatalf("stats %+v", st)
	}
	if st.Gaps != 1 || st.SkippedTicks != 2 {
		t.Fatalf("gaps %d skipped %d, want 1 and 2", st.Gaps, st.SkippedTicks)
	}
	if st.RTTSamples != 3 || st.RTTMin != 15*time.Millisecond || st.RTTMax != 30*time.Millisecond ||
		st.RTTLast != 15*time.Millisecond || st.RTTMean != 70*time.Millisecond/3 {
		t.Fatalf("RTT stats %+v", st)
	}
	if st.PingRTT != 5*time.Millisecond {
		t.Fatalf("ping RTT %v, want 5ms", st.PingRTT)
	}
}

func TestNextContextCancel(t *testing.T) {
	fs := servertest.NewScripted(t, func(ctx context.Context, ws *websocket.Conn, hello protocol.Hello) error {
		if err := send(ctx, ws, testWelcome()); err != nil {
			return err
		}
		ws.Read(ctx) // until the client goes away
		return nil
	})
	c, err := Dial(t.Context(), fs.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err = c.Next(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Next: %v, want a deadline error", err)
	}
	if _, err := c.SendInput(t.Context(), protocol.Input{}); err == nil {
		t.Fatal("SendInput succeeded on a connection closed by its reader's context")
	}
}

// A context that ends after the call it was given to returned does not
// touch the connection: per-call timeouts are safe.
func TestContextEndingAfterCallKeepsConn(t *testing.T) {
	fs := servertest.NewScripted(t, func(ctx context.Context, ws *websocket.Conn, hello protocol.Hello) error {
		if err := send(ctx, ws, testWelcome()); err != nil {
			return err
		}
		var in protocol.Input
		for { // answer every input with a Leave carrying its seq
			if err := readInto(ctx, ws, &in); err != nil {
				return nil
			}
			if err := send(ctx, ws, &protocol.Leave{Player: in.Seq}); err != nil {
				return nil
			}
		}
	})
	c, err := Dial(t.Context(), fs.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := uint32(1); i <= 3; i++ {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		if _, err := c.SendInput(ctx, protocol.Input{}); err != nil {
			t.Fatal(err)
		}
		mustNextCtx(t, ctx, c, protocol.MsgLeave)
		cancel()
		if c.Leave().Player != i {
			t.Fatalf("leave %+v, want %d", c.Leave(), i)
		}
	}
	// A context that expires while no call waits.
	short, cancel := context.WithTimeout(t.Context(), 30*time.Millisecond)
	defer cancel()
	if _, err := c.SendInput(short, protocol.Input{}); err != nil {
		t.Fatal(err)
	}
	mustNextCtx(t, short, c, protocol.MsgLeave)
	<-short.Done()
	time.Sleep(10 * time.Millisecond)
	if _, err := c.SendInput(t.Context(), protocol.Input{}); err != nil {
		t.Fatalf("SendInput after an idle context expired: %v", err)
	}
	mustNext(t, c, protocol.MsgLeave)
	if c.Leave().Player != 5 {
		t.Fatalf("leave %+v, want 5", c.Leave())
	}
}

func mustNextCtx(t *testing.T, ctx context.Context, c *Conn, want protocol.MsgType) {
	t.Helper()
	typ, err := c.Next(ctx)
	if err != nil || typ != want {
		t.Fatalf("Next: %d %v, want message type %d", typ, err, want)
	}
}

// A snapshot that does not fit the view ends the connection with 1007.
func TestBadSnapshotClosesConn(t *testing.T) {
	v1 := []protocol.Entity{player(1, 10, 20, 0)}
	v2 := []protocol.Entity{player(1, 11, 20, 0)}
	fs := servertest.NewScripted(t, func(ctx context.Context, ws *websocket.Conn, hello protocol.Hello) error {
		if err := send(ctx, ws, testWelcome()); err != nil {
			return err
		}
		counts := testCounts(t)
		if err := ws.Write(ctx, websocket.MessageBinary, protocol.AppendSnapshot(nil, 2, 0, 0, nil, v1, counts)); err != nil {
			return err
		}
		// A delta against tick 6, which this client never had.
		if err := ws.Write(ctx, websocket.MessageBinary, protocol.AppendSnapshot(nil, 8, 6, 0, v1, v2, counts)); err != nil {
			return err
		}
		_, _, err := ws.Read(ctx)
		if websocket.CloseStatus(err) != protocol.CloseInvalidPayload {
			return fmt.Errorf("client closed with %v, want 1007", err)
		}
		return nil
	})
	c, err := Dial(t.Context(), fs.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	mustNext(t, c, protocol.MsgSnapshot)
	typ, err := c.Next(t.Context())
	if typ != protocol.MsgSnapshot || !errors.Is(err, ErrBaseMismatch) {
		t.Fatalf("Next: %d %v, want a snapshot and ErrBaseMismatch", typ, err)
	}
	if tick, _ := c.View(); tick != 2 {
		t.Fatalf("view moved to tick %d", tick)
	}
}
