package server_test

import (
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/matchmaking"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// TestHostRefusesBadJoinTokens plays the host's side of matchmaking over
// real WebSockets: a player may join only with a join token the
// matchmaker signed for a match running here, before it expires, once.
// Each refusal is a 4003-style close with a reason that says why.
func TestHostRefusesBadJoinTokens(t *testing.T) {
	signer, err := matchmaking.GenerateTokenSigner(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	other, err := matchmaking.GenerateTokenSigner(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	srv, url := startServer(t, &server.Options{Tokens: signer.Verifier(), Modes: map[string]game.Rules{"ffa": arena.New(nil)}})

	issue := func(s *matchmaking.TokenSigner, player, match string, expires time.Time) (string, matchmaking.Claims) {
		tok, c, err := s.Issue(player, match, "local", expires)
		if err != nil {
			t.Fatal(err)
		}
		return tok, c
	}
	soon := time.Now().Add(time.Minute)
	// Join tokens name the player of a guest identity: each connection's
	// token is issued to the identity it presents.
	aliceID, aliceToken := servertest.GuestOf(t, url)
	good, goodClaims := issue(signer, aliceID, "m_1", soon)
	if err := srv.Expect(matchmaking.MatchAssignment{
		MatchID: "m_1", Mode: "ffa", ExpiresAt: soon,
		Players: []matchmaking.AssignedPlayer{{PlayerID: aliceID, Nonce: goodClaims.Nonce}},
	}); err != nil {
		t.Fatal(err)
	}
	// The rightful player joins, and stays connected.
	alice := dial(t, url)
	identities.Store(alice, aliceToken)
	writeMsg(t, alice, &protocol.Hello{Version: protocol.Version, Name: "alice", Resume: good, Identity: identityOf(alice)})
	if w := readWelcome(t, alice); w.Match != "m_1" {
		t.Fatalf("alice joined %q, want m_1", w.Match)
	}

	payload, sig, _ := strings.Cut(good, ".")
	tampered := payload[:len(payload)-2] + flipBase64(payload[len(payload)-2]) + payload[len(payload)-1:] + "." + sig
	tests := []struct {
		name   string
		token  func(player string) string // for the connection's identity
		reason string
	}{
		{"no token", func(string) string { return "" }, "a join token is required"},
		{"garbage", func(string) string { return "not-a-token" }, "token malformed"},
		{"expired", func(p string) string { tok, _ := issue(signer, p, "m_1", time.Now().Add(-time.Second)); return tok }, "token expired"},
		{"wrong key", func(p string) string { tok, _ := issue(other, p, "m_1", soon); return tok }, "signature invalid"},
		{"tampered", func(string) string { return tampered }, "signature invalid"},
		{"match not on this host", func(p string) string { tok, _ := issue(signer, p, "m_2", soon); return tok }, "not running on this host"},
		{"another player's token", func(string) string { return good }, "issued to another player"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := dial(t, url)
			player, token := servertest.GuestOf(t, url)
			writeMsg(t, c, &protocol.Hello{Version: protocol.Version, Name: "x", Resume: tc.token(player), Identity: token})
			expectClose(t, c, protocol.CloseBadToken, tc.reason)
		})
	}
	if n := srv.Matches()[0].Players; n != 1 {
		t.Errorf("match m_1 has %d players after the refusals, want alice alone", n)
	}

	// The same token again while alice plays: her newer connection (a
	// network change the server has not noticed) takes the seat back.
	alice2 := dial(t, url)
	writeMsg(t, alice2, &protocol.Hello{Version: protocol.Version, Name: "alice", Resume: good, Identity: aliceToken})
	w2 := readWelcome(t, alice2)
	expectClose(t, alice, protocol.CloseReplaced, "replaced")
	if n := srv.Matches()[0].Players; n != 1 || w2.Match != "m_1" {
		t.Errorf("after the resume: %d players, match %q; want alice alone in m_1", n, w2.Match)
	}
	// Once she has left for good, the token takes no seat again.
	alice2.Close(websocket.StatusNormalClosure, "bye")
	servertest.WaitFor(t, "alice to leave", func() bool { return srv.Matches()[0].Players == 0 })
	again := dial(t, url)
	writeMsg(t, again, &protocol.Hello{Version: protocol.Version, Name: "alice", Resume: good, Identity: aliceToken})
	expectClose(t, again, protocol.CloseBadToken, "token already used")
}

// flipBase64 returns another base64url character than c.
func flipBase64(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}
