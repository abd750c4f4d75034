package clientnet

import (
	"errors"
	"net/http"
	"sync"
	"testing"

	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/server/servertest"
	"github.com/skirmishgg/skirmish/server/setup"
)

// Two friends form a duel party by invite code against the real server:
// the leader creates it, the friend joins with the code, both queue with
// it, and they are matched against each other, each with its own token.
func TestDuelPartyByInviteCode(t *testing.T) {
	st := servertest.StartStack(t, setup.Options{Modes: arena.Modes(nil)})
	ctx := t.Context()
	queueURL, _ := QueueURL(st.URL)
	ann, err := FetchGuest(ctx, st.URL)
	if err != nil {
		t.Fatal(err)
	}
	bob, _ := FetchGuest(ctx, st.URL)
	eve, _ := FetchGuest(ctx, st.URL)
	p, err := CreateParty(ctx, st.URL, ann.Token, "duel", "Ann")
	if err != nil || p.Leader != ann.Player || p.Max != 2 {
		t.Fatalf("create: %+v, %v", p, err)
	}
	if _, err := JoinParty(ctx, st.URL, bob.Token, p.Code, "Bob"); err != nil {
		t.Fatal(err)
	}
	var pe *PartyError
	if _, err := JoinParty(ctx, st.URL, eve.Token, p.Code, "Eve"); !errors.As(err, &pe) || pe.Status != http.StatusConflict {
		t.Fatalf("a third member of a duel party: %v, want 409", err)
	}
	if _, err := GetParty(ctx, st.URL, eve.Token, p.Code); !errors.As(err, &pe) || pe.Status != http.StatusForbidden {
		t.Fatalf("a stranger reading the party: %v, want 403", err)
	}
	if _, err := JoinParty(ctx, st.URL, "", p.Code, ""); !errors.As(err, &pe) || pe.Status != http.StatusUnauthorized {
		t.Fatalf("no identity: %v, want 401", err)
	}
	var wg sync.WaitGroup
	got := map[string]Assignment{}
	var mu sync.Mutex
	for _, id := range []Identity{bob, ann} { // the member may wait before the leader queues
		wg.Go(func() {
			a, err := Queue(ctx, queueURL, QueueRequest{Mode: "duel", Identity: id.Token, Party: p.Code}, nil)
			if err != nil {
				t.Errorf("%s: %v", id.Player, err)
				return
			}
			mu.Lock()
			got[id.Player] = a
			mu.Unlock()
		})
	}
	wg.Wait()
	a, b := got[ann.Player], got[bob.Player]
	if a.Match == "" || a.Match != b.Match || len(a.Tokens) != 1 || len(b.Tokens) != 1 ||
		a.TokenFor(ann.Player) == "" || b.TokenFor(bob.Player) == "" {
		t.Fatalf("assignments %+v and %+v: want one match, each its own token", a, b)
	}
	for _, who := range []struct {
		id Identity
		a  Assignment
	}{{ann, a}, {bob, b}} {
		c, err := Dial(ctx, who.a.HostURL, &DialOptions{Resume: who.a.TokenFor(who.id.Player), Identity: who.id.Token})
		if err != nil {
			t.Fatalf("%s joins: %v", who.id.Player, err)
		}
		c.CloseNow()
	}
}
