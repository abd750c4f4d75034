package clientnet

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// startRealServer runs the real server with the arena on loopback and
// returns its WebSocket URL. Only tests import the server: the client
// code never does.
func startRealServer(t *testing.T) (*server.Server, string) {
	t.Helper()
	return servertest.StartServer(t, arena.New(nil), &server.Options{ResumeGrace: 10 * time.Second})
}

// Against the real server: a connection that drops without a close
// handshake comes back on the same seat (same player, same match) and the
// prediction runs again on the resumed connection's snapshots; Close frees
// the seat.
func TestClientResumesOnRealServer(t *testing.T) {
	srv, url := startRealServer(t)
	rules := arena.New(nil)
	rec := newRecorder()
	snaps := make(chan *Conn, 1024)
	c := Open(t.Context(), url, &ClientOptions{
		Dial:       DialOptions{Name: "resumer", Identity: servertest.Guest(t, url)},
		Game:       rules,
		OnState:    rec.onState,
		BackoffMin: 5 * time.Millisecond, BackoffMax: 50 * time.Millisecond,
		OnMessage: func(conn *Conn, typ protocol.MsgType) {
			if typ == protocol.MsgSnapshot {
				select {
				case snaps <- conn:
				default:
				}
			}
		},
	})
	defer c.Close()

	first := rec.wait(t, StateConnected)
	firstConn := <-snaps
	if _, err := c.SendInput(t.Context(), protocol.Input{MoveX: 127}); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Self(time.Now()); !ok {
		t.Fatal("no predicted player after the first snapshot")
	}

	// The network goes: the connection ends without a close handshake.
	firstConn.CloseNow()
	rec.wait(t, StateReconnecting)
	second := rec.wait(t, StateConnected)
	if second.Player != first.Player || second.Match != first.Match || !second.Resumed {
		t.Fatalf("after the drop: %+v, want player %d of match %s resumed", second, first.Player, first.Match)
	}
	// The resumed connection starts from a full snapshot that has the
	// player, and the prediction takes it.
	for conn := range snaps {
		if conn != firstConn {
			if conn.Snapshot().Base != 0 {
				t.Fatalf("first snapshot after resuming has base %d", conn.Snapshot().Base)
			}
			if conn.Replica().Find(second.Player) == nil {
				t.Fatal("the resumed view lacks the player")
			}
			break
		}
	}
	if _, ok := c.Self(time.Now()); !ok {
		t.Fatal("no predicted player after resuming")
	}
	if _, err := c.SendInput(t.Context(), protocol.Input{MoveY: 127}); err != nil {
		t.Fatal(err)
	}
	if h := c.HUD(time.Now()); h.State != StateConnected || h.Reconnects != 1 || h.SnapshotRate == 0 || h.BytesIn == 0 {
		t.Fatalf("HUD %+v", h)
	}

	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	checkNoClientGoroutines(t)
	if !errors.Is(c.Err(), ErrClientClosed) {
		t.Fatalf("Err %v", c.Err())
	}
	if ms := srv.Matches(); len(ms) != 1 {
		t.Fatalf("matches %+v", ms)
	}
	for _, s := range rec.all() {
		t.Logf("%v attempt=%d delay=%v player=%d resumed=%v err=%v", s.State, s.Attempt, s.Delay, s.Player, s.Resumed, s.Err)
	}
}

// The Welcome carries the game's static description: what a client
// receives is exactly the arena's own (here a custom one, so a default
// baked in anywhere would show), for every connection of a Client.
func TestWelcomeCarriesArenaStatic(t *testing.T) {
	rules := arena.New(&arena.Config{WorldWidth: 1200, WorldHeight: 900, PlayerRadius: 25,
		Walls: []arena.Rect{{MinX: 100, MinY: 100, MaxX: 300, MaxY: 160}, {MinX: 600, MinY: 400, MaxX: 640, MaxY: 800}}})
	_, url := servertest.StartServer(t, rules, nil)

	st := rules.Static()
	want := protocol.Static{Bounds: protocol.Rect(st.Bounds)}
	for _, w := range st.Walls {
		want.Walls = append(want.Walls, protocol.Rect(w))
	}
	for _, p := range st.Params {
		want.Params = append(want.Params, protocol.Param(p))
	}
	if want.Bounds.MaxX != 1200*arena.ViewUnitsPerUnit || len(want.Walls) != 2 {
		t.Fatalf("arena static %+v: not the custom arena", want)
	}
	if v, _ := want.Param(arena.ParamPlayerRadius); v != 25*arena.ViewUnitsPerUnit {
		t.Fatalf("player_radius %d", v)
	}

	conn, err := Dial(t.Context(), url, &DialOptions{Name: "static", Identity: servertest.Guest(t, url)})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	if got := conn.Welcome().Static; !reflect.DeepEqual(got, want) {
		t.Fatalf("Welcome static\n got %+v\nwant %+v", got, want)
	}

	rec := newRecorder()
	c := Open(t.Context(), url, &ClientOptions{Dial: DialOptions{Name: "static2", Identity: servertest.Guest(t, url)}, Game: rules, OnState: rec.onState})
	defer c.Close()
	rec.wait(t, StateConnected)
	if w, ok := c.Welcome(); !ok || !reflect.DeepEqual(w.Static, want) {
		t.Fatalf("Client.Welcome static %+v (ok %v), want %+v", w.Static, ok, want)
	}
}
