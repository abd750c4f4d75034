package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/identity/identitytest"
	"github.com/skirmishgg/skirmish/server/servertest"
	"github.com/skirmishgg/skirmish/server/setup"
)

// spectator is a spectating client: it applies every snapshot, checking
// that each delta's base is the snapshot it applied last.
type spectator struct {
	c         *websocket.Conn
	watching  protocol.Watching
	snapshots atomic.Int64
	tick      atomic.Uint32 // of the newest snapshot applied
	err       atomic.Value
	done      chan struct{}
}

// startSpectating sends a Spectate for match id and reads its Watching.
func startSpectating(t *testing.T, c *websocket.Conn, id string) protocol.Watching {
	t.Helper()
	writeMsg(t, c, &protocol.Spectate{Version: protocol.Version, Match: id, Token: identityOf(c)})
	var w protocol.Watching
	if err := w.Decode(readType(t, c, protocol.MsgWatching)); err != nil {
		t.Fatalf("decode watching: %v", err)
	}
	return w
}

// spectate connects a spectator to match id and reads for it until the
// test ends; onSnapshot, when set, runs after each snapshot applied.
func spectate(t *testing.T, url, id string, onSnapshot func(tick uint32)) *spectator {
	t.Helper()
	c := dial(t, url)
	return follow(t, c, startSpectating(t, c, id), onSnapshot)
}

// follow reads for a spectator that was accepted with w, until the test
// ends.
func follow(t *testing.T, c *websocket.Conn, w protocol.Watching, onSnapshot func(tick uint32)) *spectator {
	s := &spectator{c: c, watching: w, done: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() {
		cancel()
		<-s.done
	})
	go func() {
		defer close(s.done)
		var (
			snap       protocol.Snapshot
			view, next []protocol.Entity
		)
		for {
			_, b, err := s.c.Read(ctx)
			if err != nil {
				if ctx.Err() == nil {
					s.err.Store(err)
				}
				return
			}
			if typ, _ := protocol.PeekType(b); typ != protocol.MsgSnapshot {
				continue
			}
			if err := snap.Decode(b); err != nil {
				s.err.Store(err)
				return
			}
			if snap.Base != 0 && snap.Base != s.tick.Load() {
				s.err.Store(errors.New("snapshot base is not the last applied tick"))
				return
			}
			if snap.Base == 0 {
				view = view[:0] // a keyframe
			}
			if next, err = protocol.Apply(next, view, &snap); err != nil {
				s.err.Store(err)
				return
			}
			view, next = next, view
			s.tick.Store(snap.Tick)
			s.snapshots.Add(1)
			if onSnapshot != nil {
				onSnapshot(snap.Tick)
			}
		}
	}()
	return s
}

func (s *spectator) check(t *testing.T) {
	t.Helper()
	if err, _ := s.err.Load().(error); err != nil {
		t.Fatalf("spectator: %v", err)
	}
}

// TestSpectatorSeesTheMatchDelayed: a spectator of a running match sees it
// the delay behind the server's tick, takes no seat, shows in the public
// match list, and is closed with 4002 when it sends an input.
func TestSpectatorSeesTheMatchDelayed(t *testing.T) {
	const delay = 500 * time.Millisecond
	const delayTicks = 30 // at the arena's 60 Hz
	st := servertest.StartStack(t, setupOptions(server.Options{SpectateDelay: delay}))
	srv, url := st.Server, st.URL
	watch(t, url) // a player
	servertest.WaitFor(t, "the match", func() bool { return len(srv.Matches()) == 1 })
	before := srv.Matches()[0]

	var lagMu sync.Mutex
	var lags []uint32
	sp := spectate(t, url, before.ID, func(tick uint32) {
		lag := srv.Matches()[0].Tick - tick
		lagMu.Lock()
		lags = append(lags, lag)
		lagMu.Unlock()
	})
	if sp.watching.Match != before.ID || sp.watching.DelayMs != 500 || sp.watching.TickRate != 60 || len(sp.watching.Kinds) == 0 {
		t.Fatalf("watching = %+v", sp.watching)
	}
	servertest.WaitForWithin(t, 20*time.Second, "20 delayed snapshots", func() bool { return sp.snapshots.Load() >= 20 })
	sp.check(t)
	after := srv.Matches()[0]
	if after.Seats != before.Seats || after.Players != before.Players || after.Spectators != 1 {
		t.Fatalf("seats %+v → %+v, players %d → %d, spectators %d: a spectator takes no seat",
			before.Seats, after.Seats, before.Players, after.Players, after.Spectators)
	}
	lagMu.Lock()
	for i, lag := range lags {
		// Never less than the delay.
		if lag < delayTicks {
			t.Errorf("snapshot %d was %d ticks behind the server, want at least %d", i, lag, delayTicks)
		}
	}
	// More only by scheduling: a loaded machine under -race delivers some
	// late, not most (server/match's tests pin the delay exactly).
	sorted := slices.Sorted(slices.Values(lags))
	if median := sorted[len(sorted)/2]; median > delayTicks+15 {
		t.Errorf("median lag %d ticks (of %v), want about %d", median, sorted, delayTicks)
	}
	lagMu.Unlock()

	// The public list shows the match and its spectator.
	resp, err := http.Get(st.HTTP + "/v1/matches")
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Matches []struct {
			ID          string `json:"id"`
			Players     int    `json:"players"`
			Spectators  int    `json:"spectators"`
			Spectatable bool   `json:"spectatable"`
		} `json:"matches"`
	}
	err = json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	if err != nil || len(list.Matches) != 1 || list.Matches[0].ID != before.ID || list.Matches[0].Players != 1 ||
		list.Matches[0].Spectators != 1 || !list.Matches[0].Spectatable {
		t.Fatalf("GET /v1/matches: %+v, %v", list, err)
	}

	// Inputs are refused.
	writeMsg(t, sp.c, &protocol.Input{Seq: 1, MoveX: 100})
	<-sp.done
	var ce websocket.CloseError
	if err, _ := sp.err.Load().(error); !errors.As(err, &ce) || ce.Code != protocol.CloseUnexpected {
		t.Fatalf("after an input the spectator ended with %v, want close 4002", sp.err.Load())
	}
	servertest.WaitFor(t, "the spectator to leave", func() bool { return srv.Matches()[0].Spectators == 0 })
}

// TestSpectateRefused: a spectator is refused with a clear close when the
// match is not here, has all the spectators it takes, when it carries no
// valid identity (the server requires them of players: 4007, as a
// player's Hello), and past the spectators one address may have.
func TestSpectateRefused(t *testing.T) {
	const perIP = 2
	st := servertest.StartStack(t, setupOptions(server.Options{SpectateDelay: -1, MaxSpectators: 3, MaxSpectatorsPerIP: perIP}))
	watch(t, st.URL)
	servertest.WaitFor(t, "the match", func() bool { return len(st.Server.Matches()) == 1 })
	id := st.Server.Matches()[0].ID
	other := identitytest.New(t)
	for _, tc := range []struct {
		name  string
		match string
		token func(c *websocket.Conn) string
		code  websocket.StatusCode
		want  string
	}{
		{"unknown match", "nope", identityOf, protocol.CloseUnknownMatch, "no match nope"},
		{"no identity", id, func(*websocket.Conn) string { return "" }, protocol.CloseBadIdentity, "identity required"},
		{"garbage identity", id, func(*websocket.Conn) string { return "g1.x.y" }, protocol.CloseBadIdentity, "identity refused"},
		{"identity of another key", id, func(*websocket.Conn) string { return other.JWT(t, "ann") }, protocol.CloseBadIdentity, "identity refused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := dial(t, st.URL)
			writeMsg(t, c, &protocol.Spectate{Version: protocol.Version, Match: tc.match, Token: tc.token(c)})
			expectClose(t, c, tc.code, tc.want)
		})
	}
	if n := st.Server.Matches()[0].Spectators; n != 0 {
		t.Fatalf("%d spectators after the refusals", n)
	}

	// Per address (these spectators stay for the test, so not a subtest).
	{
		var first *spectator
		for i := range perIP {
			c := dialFrom(t, st.URL, "127.0.0.3")
			sp := follow(t, c, startSpectating(t, c, id), nil)
			if i == 0 {
				first = sp
			}
		}
		c := dialFrom(t, st.URL, "127.0.0.3")
		writeMsg(t, c, &protocol.Spectate{Version: protocol.Version, Match: id, Token: identityOf(c)})
		expectClose(t, c, protocol.CloseTryAgainLater, "too many spectators from your address")
		// Another address is not counted with it; one that stopped
		// watching makes room.
		c = dialFrom(t, st.URL, "127.0.0.4")
		follow(t, c, startSpectating(t, c, id), nil)
		servertest.WaitFor(t, "three spectators", func() bool { return st.Server.Matches()[0].Spectators == perIP+1 })
		first.c.Close(websocket.StatusNormalClosure, "")
		servertest.WaitFor(t, "the spectator to leave", func() bool { return st.Server.Matches()[0].Spectators == perIP })
		c = dialFrom(t, st.URL, "127.0.0.3")
		follow(t, c, startSpectating(t, c, id), nil)
	}

	// The match has its 3: full.
	c := dialFrom(t, st.URL, "127.0.0.5")
	writeMsg(t, c, &protocol.Spectate{Version: protocol.Version, Match: id, Token: identityOf(c)})
	expectClose(t, c, protocol.CloseTryAgainLater, "as many spectators as it takes")
}

// TestSpectatorsShareOneEncode: 100 spectators of one match are sent the
// same frames, encoded once per snapshot for all of them (plus a keyframe
// now and then for one that joined or skipped), not once each.
func TestSpectatorsShareOneEncode(t *testing.T) {
	const n = 100
	st := servertest.StartStack(t, setupOptions(server.Options{SpectateDelay: -1, MaxSpectatorsPerIP: -1}))
	srv, url := st.Server, st.URL
	watch(t, url)
	servertest.WaitFor(t, "the match", func() bool { return len(srv.Matches()) == 1 })
	id := srv.Matches()[0].ID
	specs := make([]*spectator, n)
	for i := range specs {
		specs[i] = spectate(t, url, id, nil)
	}
	// Generous: under make test's parallel load 100 race-instrumented
	// clients start slowly. Nothing here measures time.
	servertest.WaitForWithin(t, 30*time.Second, "every spectator's first snapshot", func() bool {
		for _, s := range specs {
			if s.snapshots.Load() == 0 {
				return false
			}
		}
		return true
	})
	reg := srv.Registry()
	encodes := func() (delta, key float64) {
		return servertest.Metric(t, reg, "skirmish_spectator_encodes_total", "kind", "delta"),
			servertest.Metric(t, reg, "skirmish_spectator_encodes_total", "kind", "key")
	}
	received := func() (sum int64) {
		for _, s := range specs {
			sum += s.snapshots.Load()
		}
		return sum
	}
	d0, k0 := encodes()
	r0, f0 := received(), srv.Matches()[0].Snapshots
	servertest.WaitForWithin(t, 30*time.Second, "30 more snapshots", func() bool { return srv.Matches()[0].Snapshots >= f0+30 })
	d1, k1 := encodes()
	r1, f1 := received(), srv.Matches()[0].Snapshots
	for _, s := range specs {
		s.check(t)
	}
	frames, sent := float64(f1-f0), float64(r1-r0)
	t.Logf("%v frames: %v delta and %v key encodes, %v snapshots received by %d spectators", frames, d1-d0, k1-k0, sent, n)
	if sent < frames*n/2 {
		t.Fatalf("the spectators received %v snapshots over %v frames: want most of %v", sent, frames, frames*n)
	}
	// One delta per frame (+1: a frame shown before the window, encoded
	// in it); a keyframe at most once per frame too.
	if d1-d0 > frames+1 || k1-k0 > frames+1 {
		t.Fatalf("%v delta and %v key encodes for %v frames: spectators must share one encode per frame", d1-d0, k1-k0, frames)
	}
}

// TestSlowSpectatorSkipsAndResyncs: a spectator stops reading until its
// socket is full. It holds no sender and delays neither the tick nor the
// player; its frames are skipped meanwhile, and once it reads again it
// resyncs from a keyframe.
func TestSlowSpectatorSkipsAndResyncs(t *testing.T) {
	if testing.Short() {
		t.Skip("measures a snapshot rate: run alone (make test does)")
	}
	reg := prometheus.NewRegistry()
	srv, err := server.New(noisyRules{}, &server.Options{
		Registry: reg, Senders: 1, WriteTimeout: 5 * time.Second, SpectateDelay: -1,
		Logger: servertest.Logger(),
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(srv.Handler())
	hs.Config.ConnContext = func(ctx context.Context, c net.Conn) context.Context {
		c.(*net.TCPConn).SetWriteBuffer(4 << 10) // the laggard stalls quickly
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
	player := watch(t, url)
	servertest.WaitFor(t, "the match", func() bool { return len(srv.Matches()) == 1 })
	id := srv.Matches()[0].ID

	slow := dialSmallReadBuffer(t, url)
	w := startSpectating(t, slow, id) // and reads nothing more for now
	servertest.WaitFor(t, "the spectator's writes to stall", func() bool {
		return servertest.Metric(t, reg, "skirmish_writes_stalled_total") > 0
	})
	start, before := time.Now(), player.snapshots.Load()
	servertest.WaitFor(t, "frames skipped for the spectator", func() bool {
		return servertest.Metric(t, reg, "skirmish_snapshots_skipped_total") >= 10
	})
	time.Sleep(time.Second)
	got, elapsed := player.snapshots.Load()-before, time.Since(start)
	if want := elapsed.Seconds() * 30; float64(got) < want*0.85 {
		t.Errorf("the player got %d snapshots in %v while the spectator stalled, want about %.0f", got, elapsed, want)
	}
	if late := srv.Matches()[0].MaxLateness; late > 50*time.Millisecond {
		t.Errorf("a tick started %v late", late)
	}
	keys := servertest.Metric(t, reg, "skirmish_spectator_encodes_total", "kind", "key")

	// It reads again: what was written, then keyframes, each applied.
	sp := follow(t, slow, w, nil)
	// Its small socket buffer keeps it slow: it goes on skipping, and
	// each frame after a skip is a keyframe.
	servertest.WaitFor(t, "a keyframe after the skips", func() bool {
		return servertest.Metric(t, reg, "skirmish_spectator_encodes_total", "kind", "key") > keys && sp.snapshots.Load() >= 10
	})
	sp.check(t)
	if err, _ := player.err.Load().(error); err != nil {
		t.Fatalf("player: %v", err)
	}
}

// setupOptions is the arena without matchmaking, served as skirmish serve
// wires it, with o.
func setupOptions(o server.Options) setup.Options {
	return setup.Options{Server: o, Direct: arena.New(nil)}
}
