package play

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/client/clientnet"
	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/servertest"
	"github.com/skirmishgg/skirmish/server/setup"
)

// stackOn runs an all-in-one server (as `skirmish serve` wires it) on addr,
// so a test can stop it and start another on the same address: a server
// restart as players see it. stop closes players with 1001 and waits.
func stackOn(t *testing.T, addr string, opts setup.Options) (stop func()) {
	t.Helper()
	opts.Server.Logger = servertest.Logger()
	opts.PublicURL = "ws://elsewhere.invalid/ws"
	st, err := setup.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	var ln net.Listener
	for deadline := time.Now().Add(5 * time.Second); ; {
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("listen on %s again: %v", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	hs := &http.Server{Handler: st.Handler}
	go hs.Serve(ln)
	var once sync.Once
	stop = func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			st.Close(ctx)
			hs.Close()
		})
	}
	t.Cleanup(stop)
	return stop
}

// A server restart mid-match: the players are told in plain words that the
// match ended with the restart, stop retrying the dead seat as soon as the
// new server refuses it, queue again by themselves and play a new match,
// without ever landing on the menu.
func TestMachineRequeuesAfterServerRestart(t *testing.T) {
	rules := arena.New(&arena.Config{MaxPlayers: 2})
	opts := setup.Options{
		Server: server.Options{ResumeGrace: 30 * time.Second},
		Modes:  []game.Mode{{Name: "duel", Rules: rules}},
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	stop := stackOn(t, addr, opts)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var ms []*Machine
	for _, name := range []string{"ann", "bob"} {
		m := NewMachine(ctx, Config{URL: addr, Name: name, Rules: rules, Mode: "duel", Queue: true, Identities: &clientnet.MemoryIdentities{}})
		if !m.Play() {
			t.Fatal(m.Err())
		}
		ms = append(ms, m)
	}
	for _, m := range ms {
		waitPhase(t, m, PhasePlaying, 10*time.Second, nil)
	}
	first := ms[0].State().Match

	stop()
	restarted := time.Now()
	stackOn(t, addr, opts)

	notices := make([]string, len(ms))
	back := make([]time.Duration, len(ms))
	deadline := time.Now().Add(20 * time.Second)
	for done := 0; done < len(ms); {
		done = 0
		for i, m := range ms {
			m.Update()
			st := m.State()
			if st.Notice != "" {
				notices[i] = st.Notice
			}
			switch {
			case m.Phase() == PhaseMenu:
				t.Fatalf("player %d landed on the menu: %q", i, m.Err())
			case m.Phase() == PhasePlaying && st.Match != first && st.Match != "":
				if back[i] == 0 {
					back[i] = time.Since(restarted)
				}
				done++
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("not playing again 20s after the restart: %v %v", ms[0].State(), ms[1].State())
		}
		time.Sleep(5 * time.Millisecond)
	}
	for i, n := range notices {
		if !strings.Contains(n, "The server restarted and your match ended") {
			t.Errorf("player %d was told %q", i, n)
		}
	}
	t.Logf("server restart → playing a new match: %v, %v", back[0].Round(time.Millisecond), back[1].Round(time.Millisecond))
	if ms[0].State().Match != ms[1].State().Match {
		t.Errorf("requeued apart")
	}
	for _, m := range ms {
		m.Leave()
	}
}
