package matchapi

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/golang-jwt/jwt/v5"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/identity"
	"github.com/skirmishgg/skirmish/server/identity/identitytest"
)

// The attack of issue 11 finding 7: a connection queued with its victim's
// player ID and so locked the victim out ("already_queued"). Now the
// ticket's player is the identity's: whatever an attacker sends, the
// victim still queues.
func TestQueueAsSomeoneElseIsImpossible(t *testing.T) {
	ta := newTestAPI(t)
	attacker := dialQueue(t, ta.url)
	_, guest := ta.keys.Guest(t)
	send(t, attacker, &protocol.Queue{Version: protocol.Version, Mode: "duel", Identity: guest, Name: "ann"})
	expectStatus(t, attacker, "queued")
	victim := dialQueue(t, ta.url)
	send(t, victim, ta.queue("duel", "ann"))
	expectStatus(t, victim, "queued")
	if n := waitingTickets(t, ta.mm); n != 2 {
		t.Fatalf("%d tickets waiting, want the attacker's and ann's", n)
	}
}

func TestQueueRefusesBadIdentities(t *testing.T) {
	ta := newTestAPI(t)
	other := identitytest.New(t)
	_, guest := ta.keys.Guest(t)
	expiredGuest := func() string {
		iss, _ := identity.NewIssuer(ta.keys.GuestKey, time.Second, nil)
		_, tok, _ := iss.Guest(time.Now().Add(-time.Hour))
		return tok
	}()
	expiredJWT, _ := jwt.NewWithClaims(jwt.SigningMethodEdDSA, jwt.MapClaims{"sub": "ann", "exp": time.Now().Add(-time.Minute).Unix()}).SignedString(ta.keys.JWTKey)
	_, otherGuest := other.Guest(t)
	tests := []struct {
		name, token, reason string
	}{
		{"none", "", "identity required"},
		{"forged guest", strings.Replace(guest, ".", ".x", 1), "identity refused"},
		{"expired guest", expiredGuest, "expired"},
		{"guest of another key", otherGuest, "signature"},
		{"expired JWT", expiredJWT, "expired"},
		{"JWT of another key", other.JWT(t, "ann"), "signature"},
		{"alg none", "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJhbm4iLCJleHAiOjk5OTk5OTk5OTl9.", "identity refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := dialQueue(t, ta.url)
			send(t, c, &protocol.Queue{Version: protocol.Version, Mode: "duel", Identity: tt.token})
			err := readUntilClose(t, c)
			if websocket.CloseStatus(err) != protocol.CloseBadIdentity || !strings.Contains(err.Error(), tt.reason) {
				t.Fatalf("closed with %v, want 4007 saying %q", err, tt.reason)
			}
			if n := waitingTickets(t, ta.mm); n != 0 {
				t.Fatalf("%d tickets waiting", n)
			}
		})
	}
}

func readUntilClose(t *testing.T, c *websocket.Conn) error {
	t.Helper()
	for {
		if _, _, err := c.Read(t.Context()); err != nil {
			return err
		}
	}
}

// A second queue connection of the same identity takes over: the first is
// closed with 4006 and its ticket cancelled, so one player holds one
// ticket and a half-dead connection never locks its player out.
func TestSecondQueueOfAnIdentityReplacesTheFirst(t *testing.T) {
	ta := newTestAPI(t)
	first := dialQueue(t, ta.url)
	send(t, first, ta.queue("duel", "ann"))
	expectStatus(t, first, "queued")
	second := dialQueue(t, ta.url)
	send(t, second, ta.queue("duel", "ann"))
	expectStatus(t, second, "queued")
	if err := readUntilClose(t, first); websocket.CloseStatus(err) != protocol.CloseReplaced {
		t.Fatalf("first connection: %v, want 4006", err)
	}
	if n := waitingTickets(t, ta.mm); n != 1 {
		t.Fatalf("%d tickets waiting, want 1", n)
	}
}

// do sends an HTTP request with an optional bearer token and JSON body
// and decodes the JSON answer into out.
func do(t *testing.T, method, url, token, body string, want int, out any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %d %s, want %d", method, url, resp.StatusCode, b, want)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, url, err, b)
		}
	}
}

func TestGuestIdentity(t *testing.T) {
	ta := newTestAPI(t)
	var g guestView
	do(t, "POST", ta.url+"/v1/auth/guest", "", "", http.StatusOK, &g)
	// Readable by a browser client served from another origin.
	pre, _ := http.NewRequest("OPTIONS", ta.url+"/v1/parties/ABCD2345/join", nil)
	if resp, err := http.DefaultClient.Do(pre); err != nil || resp.StatusCode != http.StatusNoContent ||
		resp.Header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Fatalf("preflight: %v %v", resp, err)
	}
	id, err := ta.keys.Verifier.Verify(g.Token, time.Now())
	if err != nil || id.Player != g.Player || !strings.HasPrefix(g.Player, "g_") || g.Expires.Before(time.Now().Add(300*24*time.Hour)) {
		t.Fatalf("guest %+v verifies as %+v, %v", g, id, err)
	}
	// The guest queues as itself.
	c := dialQueue(t, ta.url)
	send(t, c, &protocol.Queue{Version: protocol.Version, Mode: "duel", Identity: g.Token})
	expectStatus(t, c, "queued")
	// GuestRate is 5 a minute per IP here: 4 more, then 429.
	for range 4 {
		do(t, "POST", ta.url+"/v1/auth/guest", "", "", http.StatusOK, nil)
	}
	req, _ := http.NewRequest("POST", ta.url+"/v1/auth/guest", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("sixth guest in a minute: %d (Retry-After %q), want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

func TestIPLimiter(t *testing.T) {
	now := time.Now()
	l := newIPLimiter(2, time.Minute)
	tests := []struct {
		ip   string
		at   time.Duration
		want bool
	}{
		{"a", 0, true}, {"a", 0, true}, {"a", 0, false}, // burst of 2
		{"b", 0, true},                                                // per IP
		{"a", 29 * time.Second, false}, {"a", 31 * time.Second, true}, // one every 30 s
	}
	for i, tt := range tests {
		if _, ok := l.allow(tt.ip, now.Add(tt.at)); ok != tt.want {
			t.Errorf("step %d (%s at %v): allowed %v, want %v", i, tt.ip, tt.at, ok, tt.want)
		}
	}
	if _, ok := (*ipLimiter)(nil).allow("x", now); !ok {
		t.Error("no limiter refused")
	}
}

// A party of 3 formed by invite code is matched together, and every
// member's own queue connection gets its own token, none of the others'.
func TestPartyByInviteCode(t *testing.T) {
	ta := newTestAPI(t)
	ann, bob, cy, eve := ta.keys.JWT(t, "ann"), ta.keys.JWT(t, "bob"), ta.keys.JWT(t, "cy"), ta.keys.JWT(t, "eve")
	var p partyView
	do(t, "POST", ta.url+"/v1/parties", "", `{"mode":"trio"}`, http.StatusUnauthorized, nil)
	do(t, "POST", ta.url+"/v1/parties", ann, `{"mode":"nope"}`, http.StatusBadRequest, nil)
	do(t, "POST", ta.url+"/v1/parties", ann, `{"mode":"trio","name":"Ann"}`, http.StatusCreated, &p)
	if len(p.Code) != 8 || p.Leader != "ann" || p.Max != 3 || len(p.Members) != 1 || time.Until(p.Expires) > 10*time.Minute {
		t.Fatalf("new party %+v", p)
	}
	code := p.Code
	// Bob joins; Eve is not a member: she sees nothing and cannot queue it.
	do(t, "POST", ta.url+"/v1/parties/"+strings.ToLower(code)+"/join", bob, `{"name":"Bob"}`, http.StatusOK, nil)
	do(t, "GET", ta.url+"/v1/parties/"+code, eve, "", http.StatusForbidden, nil)
	do(t, "GET", ta.url+"/v1/parties/ZZZZZZZZ", ann, "", http.StatusNotFound, nil)
	do(t, "GET", ta.url+"/v1/parties/"+strings.Repeat("x", 5000), ann, "", http.StatusNotFound, nil)
	eveConn := dialQueue(t, ta.url)
	send(t, eveConn, withParty(ta.queue("trio", "eve"), code))
	expectError(t, eveConn, "not_in_party")

	// Members may queue before the leader: they wait on the party.
	conns := map[string]*websocket.Conn{"bob": dialQueue(t, ta.url)}
	send(t, conns["bob"], withParty(ta.queue("trio", "bob"), code))
	do(t, "POST", ta.url+"/v1/parties/"+code+"/join", cy, "", http.StatusOK, &p)
	do(t, "POST", ta.url+"/v1/parties/"+code+"/join", eve, "", http.StatusConflict, nil)
	if len(p.Members) != 3 {
		t.Fatalf("party %+v, want 3 members", p)
	}
	var seen partyView
	do(t, "GET", ta.url+"/v1/parties/"+code, cy, "", http.StatusOK, &seen)
	if got := seen.Members[0].Player + "," + seen.Members[1].Player + "," + seen.Members[2].Player; got != "ann,bob,cy" {
		t.Fatalf("members %s, want ann,bob,cy", got)
	}
	conns["ann"] = dialQueue(t, ta.url)
	send(t, conns["ann"], withParty(ta.queue("trio", "ann"), code))
	expectStatus(t, conns["ann"], "queued")
	conns["cy"] = dialQueue(t, ta.url)
	send(t, conns["cy"], withParty(ta.queue("trio", "cy"), code))
	for _, who := range []string{"bob", "cy"} {
		expectStatus(t, conns[who], "queued")
	}
	if n := waitingTickets(t, ta.mm); n != 1 {
		t.Fatalf("%d tickets waiting, want the party's one", n)
	}
	ta.pass()
	tokens, match := map[string]string{}, ""
	for who, c := range conns {
		var as *protocol.Assigned
		for as == nil {
			switch m := next(t, c).(type) {
			case *protocol.Assigned:
				as = m
			case *protocol.QueueStatus:
			default:
				t.Fatalf("%s got %+v", who, m)
			}
		}
		if len(as.Tokens) != 1 || as.Tokens[0].Player != who || as.Tokens[0].Token == "" {
			t.Fatalf("%s's assignment %+v: want exactly its own token", who, as)
		}
		if match != "" && as.Match != match {
			t.Fatalf("%s in match %s, the others in %s", who, as.Match, match)
		}
		match, tokens[who] = as.Match, as.Tokens[0].Token
		expectClose(t, c, websocket.StatusNormalClosure)
	}
	if len(tokens) != 3 || tokens["ann"] == tokens["bob"] || tokens["bob"] == tokens["cy"] {
		t.Fatalf("tokens %v: want three different ones", tokens)
	}
}

// One connection cannot declare a party: a Queue names no members, and a
// party code is refused to an identity that did not join it.
func TestOneConnectionCannotDeclareAParty(t *testing.T) {
	ta := newTestAPI(t)
	var p partyView
	do(t, "POST", ta.url+"/v1/parties", ta.keys.JWT(t, "ann"), `{"mode":"trio"}`, http.StatusCreated, &p)
	_, guest := ta.keys.Guest(t)
	c := dialQueue(t, ta.url)
	send(t, c, &protocol.Queue{Version: protocol.Version, Mode: "trio", Identity: guest, Party: p.Code})
	expectError(t, c, "not_in_party")
	if n := waitingTickets(t, ta.mm); n != 0 {
		t.Fatalf("%d tickets waiting", n)
	}
	// Forging a token for the leader fails on its signature.
	_, mallory, _ := ed25519.GenerateKey(rand.Reader)
	forged, _ := jwt.NewWithClaims(jwt.SigningMethodEdDSA, jwt.MapClaims{"sub": "ann", "exp": time.Now().Add(time.Hour).Unix()}).SignedString(mallory)
	send(t, c, &protocol.Queue{Version: protocol.Version, Mode: "trio", Identity: forged, Party: p.Code})
	if err := readUntilClose(t, c); websocket.CloseStatus(err) != protocol.CloseBadIdentity {
		t.Fatalf("forged leader: %v, want 4007", err)
	}
	// Party requests without a valid identity: 401; bodies are bounded.
	do(t, "POST", ta.url+"/v1/parties/"+p.Code+"/join", forged, "", http.StatusUnauthorized, nil)
	do(t, "POST", ta.url+"/v1/parties", guest, `{"mode":"trio","name":"`+string(bytes.Repeat([]byte("x"), 2000))+`"}`, http.StatusRequestEntityTooLarge, nil)
}
