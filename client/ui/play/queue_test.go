package play

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/client/clientnet"
	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/servertest"
	"github.com/skirmishgg/skirmish/server/setup"
)

// startMatchmadeServer runs a match server that admits players only
// through its embedded matchmaker, wired as `skirmish serve` wires it, with
// a 2-player "duel" mode.
func startMatchmadeServer(t *testing.T, rules *arena.Rules) string {
	t.Helper()
	return servertest.StartStack(t, setup.Options{
		Server: server.Options{ResumeGrace: time.Second},
		Modes:  []game.Mode{{Name: "duel", Rules: rules}},
	}).URL
}

// TestMachineQueuesThroughTheMatchmaker: on a server with a matchmaker a
// direct join is refused (4005); the session then queues, waits for a
// second player on the waiting screen, and plays once matched.
func TestMachineQueuesThroughTheMatchmaker(t *testing.T) {
	rules := arena.New(&arena.Config{MaxPlayers: 2})
	url := startMatchmadeServer(t, rules)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	a := NewMachine(ctx, Config{URL: url, Name: "ann", Rules: rules, Mode: "duel", Identities: &clientnet.MemoryIdentities{}})
	if !a.Play() {
		t.Fatal(a.Err())
	}
	waitPhase(t, a, PhaseWaiting, 5*time.Second, nil)
	if st := a.State(); st.Status != StatusQueued || !st.Queued {
		t.Fatalf("ann alone: %+v, want queued", st)
	}
	time.Sleep(200 * time.Millisecond)
	if a.Update(); a.Phase() != PhaseWaiting {
		t.Fatalf("ann alone left the waiting screen: %v (%s)", a.Phase(), a.Err())
	}

	b := NewMachine(ctx, Config{URL: url, Name: "bob", Rules: rules, Mode: "duel", Queue: true, Identities: &clientnet.MemoryIdentities{}})
	if !b.Play() {
		t.Fatal(b.Err())
	}
	waitPhase(t, b, PhasePlaying, 10*time.Second, nil)
	waitPhase(t, a, PhasePlaying, 10*time.Second, nil)
	if a.State().Match != b.State().Match || a.State().Match == "" {
		t.Fatalf("matched apart: %q and %q", a.State().Match, b.State().Match)
	}
	var sc Scene
	deadline := time.Now().Add(5 * time.Second)
	for {
		a.Session().Sample(time.Now(), &sc)
		if len(sc.Players) == 2 && sc.Player(sc.Me) != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("ann sees %d players", len(sc.Players))
		}
		time.Sleep(10 * time.Millisecond)
	}
	a.Leave()
	b.Leave()
}

// TestMachinePlaysWithItsParty: Ann creates a duel party, Bob joins it by
// its invite code and waits; when Ann queues with the code, the two play
// the same match.
func TestMachinePlaysWithItsParty(t *testing.T) {
	rules := arena.New(&arena.Config{MaxPlayers: 2})
	url := startMatchmadeServer(t, rules)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	annIDs := &clientnet.MemoryIdentities{}
	ann, err := clientnet.Guest(ctx, url, annIDs)
	if err != nil {
		t.Fatal(err)
	}
	p, err := clientnet.CreateParty(ctx, url, ann.Token, "duel", "ann")
	if err != nil {
		t.Fatal(err)
	}
	b := NewMachine(ctx, Config{URL: url, Name: "bob", Rules: rules, Party: p.Code, Identities: &clientnet.MemoryIdentities{}})
	if !b.Play() {
		t.Fatal(b.Err())
	}
	waitPhase(t, b, PhaseWaiting, 5*time.Second, nil)
	a := NewMachine(ctx, Config{URL: url, Name: "ann", Rules: rules, Party: p.Code, Identities: annIDs})
	if !a.Play() {
		t.Fatal(a.Err())
	}
	waitPhase(t, a, PhasePlaying, 10*time.Second, nil)
	waitPhase(t, b, PhasePlaying, 10*time.Second, nil)
	if a.State().Match != b.State().Match || a.State().Match == "" {
		t.Fatalf("the party was split: %q and %q", a.State().Match, b.State().Match)
	}
	// A wrong code is said plainly.
	c := NewMachine(ctx, Config{URL: url, Name: "cy", Rules: rules, Party: "ZZZZZZZZ", Identities: &clientnet.MemoryIdentities{}})
	c.Play()
	waitPhase(t, c, PhaseMenu, 5*time.Second, nil)
	if !strings.Contains(c.Err(), "invite code") {
		t.Fatalf("unknown party: %q", c.Err())
	}
	a.Leave()
	b.Leave()
}
