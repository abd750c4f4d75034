package admission_test

import (
	"sync"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/matchmaking"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/admission"
	"github.com/skirmishgg/skirmish/server/identity/identitytest"
	"github.com/skirmishgg/skirmish/server/match"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// admitHellos admits every Hello at once, advancing the clock until each
// is answered.
func (h *host) admitHellos(hellos ...protocol.Hello) ([]*match.Match, []*match.Player, []error) {
	h.t.Helper()
	ms, ps, errs, _ := h.admitPeers(hellos...)
	return ms, ps, errs
}

func (h *host) admitPeers(hellos ...protocol.Hello) ([]*match.Match, []*match.Player, []error, []*servertest.Peer) {
	h.t.Helper()
	peers := make([]*servertest.Peer, len(hellos))
	ms := make([]*match.Match, len(hellos))
	ps := make([]*match.Player, len(hellos))
	errs := make([]error, len(hellos))
	var wg sync.WaitGroup
	for i, hello := range hellos {
		hello.Version = protocol.Version
		peers[i] = &servertest.Peer{}
		wg.Go(func() { ms[i], ps[i], errs[i] = h.adm.Admit(hello, peers[i], nil) })
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for {
		select {
		case <-done:
			return ms, ps, errs, peers
		default:
			h.advance(1)
		}
	}
}

// TestIdentityBindsTheSeat: a host with identities admits a join token
// only with its player's identity, and gives a held seat back only to
// that identity, with a join token or a direct resume token alike.
func TestIdentityBindsTheSeat(t *testing.T) {
	keys := identitytest.New(t)
	h := newHost(t)
	h.adm = admission.New(h.reg, admission.Options{Tokens: h.signer.Verifier(), Identities: keys.Verifier, Clock: h.clock})
	expires := h.clock.Now().Add(time.Minute)
	a := matchmaking.MatchAssignment{MatchID: "m", Mode: "ffa", ExpiresAt: expires}
	tokens := map[string]string{}
	for _, p := range []string{"ann", "bob"} {
		tok, c, err := h.signer.Issue(p, "m", "host", expires)
		if err != nil {
			t.Fatal(err)
		}
		tokens[p] = tok
		a.Players = append(a.Players, matchmaking.AssignedPlayer{PlayerID: p, Nonce: c.Nonce})
	}
	h.expect(a)
	ann, bob := keys.JWT(t, "ann"), keys.JWT(t, "bob")
	other := identitytest.New(t)
	refusals := []struct {
		name  string
		hello protocol.Hello
		code  protocol.CloseCode
	}{
		{"no identity", protocol.Hello{Resume: tokens["ann"]}, protocol.CloseBadIdentity},
		{"identity of another key", protocol.Hello{Resume: tokens["ann"], Identity: other.JWT(t, "ann")}, protocol.CloseBadIdentity},
		{"garbage identity", protocol.Hello{Resume: tokens["ann"], Identity: "g1.x.y"}, protocol.CloseBadIdentity},
		{"someone else's join token", protocol.Hello{Resume: tokens["ann"], Identity: bob}, protocol.CloseBadToken},
	}
	for _, tt := range refusals {
		_, _, errs := h.admitHellos(tt.hello)
		if protocol.CloseStatus(errs[0]) != tt.code {
			t.Fatalf("%s: %v, want close %d", tt.name, errs[0], tt.code)
		}
	}
	ms, ps, errs := h.admitHellos(protocol.Hello{Resume: tokens["ann"], Identity: ann})
	if errs[0] != nil {
		t.Fatalf("ann with her token: %v", errs[0])
	}
	// Ann drops; her token in Bob's hands does not take her seat back.
	ms[0].Leave(ps[0], true)
	h.advance(1)
	if _, _, errs = h.admitHellos(protocol.Hello{Resume: tokens["ann"], Identity: bob}); protocol.CloseStatus(errs[0]) != protocol.CloseBadToken {
		t.Fatalf("bob resuming ann's seat: %v, want 4005", errs[0])
	}
	if _, _, errs = h.admitHellos(protocol.Hello{Resume: tokens["ann"], Identity: ann}); errs[0] != nil {
		t.Fatalf("ann resuming: %v", errs[0])
	}
}

// TestDirectResumeNeedsTheSameIdentity: without matchmaking, a player is
// placed by its identity, and its resume token resumes only for it.
func TestDirectResumeNeedsTheSameIdentity(t *testing.T) {
	keys := identitytest.New(t)
	h := newHost(t)
	h.adm = admission.New(h.reg, admission.Options{Identities: keys.Verifier, Clock: h.clock})
	_, guest := keys.Guest(t)
	if _, _, errs := h.admitHellos(protocol.Hello{Name: "anon"}); protocol.CloseStatus(errs[0]) != protocol.CloseBadIdentity {
		t.Fatalf("no identity: %v, want 4007", errs[0])
	}
	h.loops++ // the player's match starts
	ms, ps, errs, peers := h.admitPeers(protocol.Hello{Identity: guest})
	if errs[0] != nil {
		t.Fatal(errs[0])
	}
	var w protocol.Welcome
	if err := w.Decode(peers[0].Messages()[0]); err != nil || w.Resume == "" {
		t.Fatalf("welcome: %v", err)
	}
	resume := w.Resume
	ms[0].Leave(ps[0], true)
	h.advance(1)
	_, thief := keys.Guest(t)
	if _, _, errs = h.admitHellos(protocol.Hello{Resume: resume, Identity: thief}); protocol.CloseStatus(errs[0]) != protocol.CloseBadResume {
		t.Fatalf("another guest with the resume token: %v, want 4004", errs[0])
	}
	if _, _, errs = h.admitHellos(protocol.Hello{Resume: resume, Identity: guest}); errs[0] != nil {
		t.Fatalf("the same guest resuming: %v", errs[0])
	}
}
