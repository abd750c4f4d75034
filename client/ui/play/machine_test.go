package play

import (
	"context"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/client/clientnet"
	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/servertest"
)

func TestNormalizeURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"localhost:8080", "ws://localhost:8080/ws"},
		{" ws://h:1/ws ", "ws://h:1/ws"},
		{"http://h:1", "ws://h:1/ws"},
		{"https://game.example/", "wss://game.example/ws"},
		{"wss://game.example/play", "wss://game.example/play"},
		{"", ""},
		{"ftp://h", ""},
		{"ws://", ""},
	}
	for _, tt := range tests {
		got, err := NormalizeURL(tt.in)
		if (err != nil) != (tt.want == "") || got != tt.want {
			t.Errorf("NormalizeURL(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

// startServer runs a real match server for rules on a loopback port.
func startServer(t *testing.T, rules *arena.Rules) string {
	t.Helper()
	_, url := servertest.StartServer(t, rules, &server.Options{Seed: 1})
	return url
}

// waitPhase updates m until it reaches want.
func waitPhase(t *testing.T, m *Machine, want Phase, within time.Duration, each func()) {
	t.Helper()
	deadline := time.Now().Add(within)
	for m.Update(); m.Phase() != want; m.Update() {
		if time.Now().After(deadline) {
			t.Fatalf("phase %v (err %q) after %v, want %v", m.Phase(), m.Err(), within, want)
		}
		if each != nil {
			each()
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestMachinePlaysAMatchAndAgain(t *testing.T) {
	rules := arena.New(&arena.Config{TimeLimit: 150}) // 2.5 s matches
	url := startServer(t, rules)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	// An observer in the same match checks what the server sees.
	obs, err := clientnet.Dial(ctx, url, &clientnet.DialOptions{Name: "observer", Identity: servertest.Guest(t, url)})
	if err != nil {
		t.Fatal(err)
	}
	defer obs.CloseNow()
	seen := make(chan [2]int32, 256)
	go func() { // idle inputs: the server closes clients that stop acknowledging snapshots
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for range t.C {
			if _, err := obs.SendInput(ctx, protocol.Input{}); err != nil {
				return
			}
		}
	}()
	go func() {
		var me uint32
		for {
			typ, err := obs.Next(ctx)
			if err != nil {
				close(seen)
				return
			}
			switch typ {
			case protocol.MsgJoin:
				if j := obs.Join(); j.Name == "tester" {
					me = j.Player
				}
			case protocol.MsgSnapshot:
				if e := obs.Replica().Find(me); me != 0 && e != nil {
					select {
					case seen <- [2]int32{e.Fields[arena.PlayerX], e.Fields[arena.PlayerY]}:
					default:
					}
				}
			}
		}
	}()

	m := NewMachine(ctx, Config{URL: strings.TrimPrefix(url, "ws://"), Name: " tester ", Rules: rules, Identities: &clientnet.MemoryIdentities{}})
	if m.Phase() != PhaseMenu {
		t.Fatalf("starts in %v", m.Phase())
	}
	if !m.Play() {
		t.Fatalf("Play: %s", m.Err())
	}
	waitPhase(t, m, PhasePlaying, 5*time.Second, nil)

	// The scene draws the map the server described, which is the arena's.
	var sc Scene
	m.Session().Sample(time.Now(), &sc)
	if want := arenaOf(rules); !reflect.DeepEqual(sc.Arena, want) {
		t.Fatalf("scene arena\n got %+v\nwant %+v", sc.Arena, want)
	}

	// Hold "move left" and read the scene.
	in := Controls{MoveX: -1, AimX: -1, Fire: true}.Input(0)
	var startX float64
	deadline := time.Now().Add(3 * time.Second)
	for {
		m.Session().SetInput(in)
		m.Session().Sample(time.Now(), &sc)
		if sc.HaveMe {
			if startX == 0 {
				startX = sc.MeX
			} else if sc.MeX < startX-20 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("own player did not move left: start %v, now %+v", startX, sc)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if p := sc.Player(sc.Me); p == nil || !p.Me || p.Name != "tester" {
		t.Fatalf("own player in scene: %+v", p)
	}
	if len(sc.Roster) != 2 || (sc.Roster[0].Name != "tester" && sc.Roster[1].Name != "tester") {
		t.Fatalf("roster: %+v, want observer and tester", sc.Roster)
	}
	first, ok := <-seen
	if !ok {
		t.Fatal("observer saw nothing")
	}
	moved := false
	for pos := range seen {
		if pos[0] < first[0]-40 {
			moved = true
			break
		}
	}
	if !moved {
		t.Fatal("the server did not move the player left")
	}
	st := m.Session().NetStats(time.Now())
	if st.BytesIn == 0 || st.BytesOut == 0 || st.Tick == 0 || st.State != clientnet.StateConnected {
		t.Errorf("net stats: %+v", st)
	}

	waitPhase(t, m, PhaseResults, 6*time.Second, func() {
		if s := m.Session(); s != nil {
			s.SetInput(game.Input{})
		}
	})
	res := m.Results()
	if res.Reason != "Time is up" || res.MeRow() == nil || res.MeRow().Name != "tester" {
		t.Fatalf("results: %+v", res)
	}

	// Play again: a new match.
	if !m.Play() {
		t.Fatalf("Play again: %s", m.Err())
	}
	waitPhase(t, m, PhasePlaying, 5*time.Second, nil)
	s := m.Session()
	m.Leave()
	if m.Phase() != PhaseMenu || m.Session() != nil {
		t.Fatalf("after Leave: %v", m.Phase())
	}
	wctx, wcancel := context.WithTimeout(ctx, 5*time.Second)
	defer wcancel()
	if err := s.Wait(wctx); err != nil {
		t.Fatal("session still running after Leave")
	}
	if got := s.State().Status; got != StatusClosed {
		t.Fatalf("status after Leave = %v", got)
	}
}

func TestMachineBackToMenuOnFailure(t *testing.T) {
	hs := httptest.NewServer(nil)
	addr := strings.TrimPrefix(hs.URL, "http://")
	hs.Close() // nothing listens there any more
	m := NewMachine(context.Background(), Config{URL: addr, HandshakeTimeout: 2 * time.Second, Identities: &clientnet.MemoryIdentities{}})
	if !m.Play() {
		t.Fatalf("Play: %s", m.Err())
	}
	waitPhase(t, m, PhaseMenu, 5*time.Second, nil)
	// The cause in a player's words, with the address typed; nothing of
	// the program's insides (package names, Go error texts).
	if want := "Can't reach the server at " + addr; !strings.HasPrefix(m.Err(), want) {
		t.Fatalf("err = %q, want it to start with %q", m.Err(), want)
	}
	for _, inside := range []string{"clientnet", "dial tcp", "closed network connection", "websocket"} {
		if strings.Contains(strings.ToLower(m.Err()), inside) {
			t.Fatalf("err = %q shows %q", m.Err(), inside)
		}
	}
	m.Server = "ftp://x"
	if m.Play() || m.Err() == "" {
		t.Fatal("Play accepted a bad address")
	}
}
