package matchapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/matchmaking"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/identity/identitytest"
)

// testAPI is a matchmaker served on loopback.
type testAPI struct {
	mm   *matchmaking.Matchmaker
	url  string
	pass func()
	keys *identitytest.Keys
	t    *testing.T
}

// newTestAPI serves a matchmaker with a duel mode (2 players) and a 4-player
// mode on loopback; passes run only when the test calls pass. Players are
// named by the backend JWTs of keys.
func newTestAPI(t *testing.T) *testAPI {
	t.Helper()
	return newTestAPIWith(t, &Options{})
}

// newTestAPIWith is newTestAPI with the adapter's options (its Logger is
// set here).
func newTestAPIWith(t *testing.T, opts *Options) *testAPI {
	t.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	mm, err := matchmaking.New(&matchmaking.Options{
		Modes: []matchmaking.ModeConfig{
			{Name: "duel", MaxPlayers: 2},
			{Name: "squad", MaxPlayers: 4, Teams: 2},
			{Name: "trio", MaxPlayers: 3},
		},
		Logger: quiet,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := mm.Directory().Heartbeat(ctx, matchmaking.Host{ID: "h1", URL: "ws://h1.example/ws", Capacity: 64}); err != nil {
		t.Fatal(err)
	}
	keys := identitytest.New(t)
	mux := http.NewServeMux()
	o := *opts
	o.Logger = quiet
	if o.Identities == nil {
		o.Identities = keys.Verifier
	}
	New(mm, &o).Register(mux)
	NewAuth(AuthOptions{Issuer: keys.Issuer, GuestRate: 5, Logger: quiet}).Register(mux)
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	pass := func() {
		if _, err := mm.RunPass(ctx, time.Now()); err != nil {
			t.Fatalf("pass: %v", err)
		}
	}
	return &testAPI{mm: mm, url: hs.URL, pass: pass, keys: keys, t: t}
}

func dialQueue(t *testing.T, base string) *websocket.Conn {
	t.Helper()
	return dialQueueFrom(t, base, nil)
}

// dialQueueFrom dials the queue socket from a local address (nil: any).
func dialQueueFrom(t *testing.T, base string, from net.IP) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var opts *websocket.DialOptions
	if from != nil {
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: from}}
		opts = &websocket.DialOptions{HTTPClient: &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}}
	}
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/v1/matchmaking/ws", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return c
}

func send(t *testing.T, c *websocket.Conn, m protocol.Message) {
	t.Helper()
	if err := c.Write(context.Background(), websocket.MessageBinary, m.Append(nil)); err != nil {
		t.Fatal(err)
	}
}

// next reads the next message of the queue connection.
func next(t *testing.T, c *websocket.Conn) protocol.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, b, err := c.Read(ctx)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	typ, err := protocol.PeekType(b)
	if err != nil {
		t.Fatal(err)
	}
	var m protocol.Message
	switch typ {
	case protocol.MsgQueueStatus:
		m = &protocol.QueueStatus{}
	case protocol.MsgQueueError:
		m = &protocol.QueueError{}
	case protocol.MsgAssigned:
		m = &protocol.Assigned{}
	default:
		t.Fatalf("unexpected message type %d", typ)
	}
	if err := m.Decode(b); err != nil {
		t.Fatal(err)
	}
	return m
}

// queue is player's Queue for mode, with the backend's JWT naming it.
func (ta *testAPI) queue(mode, player string) *protocol.Queue {
	return &protocol.Queue{Version: protocol.Version, Mode: mode, Skill: 1500, Identity: ta.keys.JWT(ta.t, player), Name: player}
}

func expectStatus(t *testing.T, c *websocket.Conn, state string) *protocol.QueueStatus {
	t.Helper()
	m := next(t, c)
	st, ok := m.(*protocol.QueueStatus)
	if !ok || st.State != state {
		t.Fatalf("got %+v, want a %s status", m, state)
	}
	return st
}

func expectError(t *testing.T, c *websocket.Conn, code string) {
	t.Helper()
	m := next(t, c)
	if qe, ok := m.(*protocol.QueueError); !ok || qe.Code != code {
		t.Fatalf("got %+v, want queue error %s", m, code)
	}
}

func expectClose(t *testing.T, c *websocket.Conn, code websocket.StatusCode) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		_, _, err := c.Read(ctx)
		if err == nil {
			continue
		}
		if got := websocket.CloseStatus(err); got != code {
			t.Fatalf("closed with %v (%v), want %d", got, err, code)
		}
		return
	}
}

func waitingTickets(t *testing.T, mm *matchmaking.Matchmaker) int {
	t.Helper()
	st, err := mm.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range st.Pools {
		n += p.Tickets
	}
	return n
}

func TestQueueAssignsBothPlayersOfADuel(t *testing.T) {
	ta := newTestAPI(t)
	_, url, pass := ta.mm, ta.url, ta.pass
	a, b := dialQueue(t, url), dialQueue(t, url)
	send(t, a, ta.queue("duel", "ann"))
	expectStatus(t, a, "queued")
	send(t, b, ta.queue("duel", "bob"))
	expectStatus(t, b, "queued")
	pass()
	for _, c := range []*websocket.Conn{a, b} {
		expectStatus(t, c, "assigned")
		m := next(t, c)
		as, ok := m.(*protocol.Assigned)
		if !ok || as.HostURL != "ws://h1.example/ws" || as.Match == "" || len(as.Tokens) != 1 || as.Tokens[0].Token == "" {
			t.Fatalf("got %+v, want an assignment to h1 with one token", m)
		}
		expectClose(t, c, websocket.StatusNormalClosure)
	}
}

func TestQueueRefusalsLeaveTheQueueUntouched(t *testing.T) {
	ta := newTestAPI(t)
	mm, url, _ := ta.mm, ta.url, ta.pass
	holder := dialQueue(t, url)
	send(t, holder, ta.queue("duel", "ann"))
	expectStatus(t, holder, "queued")

	tests := []struct {
		name string
		req  *protocol.Queue
		code string
	}{
		{"unknown mode", ta.queue("battle-royale", "bob"), "unknown_mode"},
		{"unknown party", withParty(ta.queue("duel", "cy"), "ABCD2345"), "unknown_party"},
		{"malformed party code", withParty(ta.queue("duel", "dee"), "../../x"), "unknown_party"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := dialQueue(t, url)
			send(t, c, tt.req)
			expectError(t, c, tt.code)
			if n := waitingTickets(t, mm); n != 1 {
				t.Fatalf("%d tickets waiting after a refusal, want 1", n)
			}
			// The connection stays usable: a valid request now queues.
			send(t, c, ta.queue("duel", "ok-"+strings.ReplaceAll(tt.name, " ", "-")))
			expectStatus(t, c, "queued")
			send(t, c, &protocol.Cancel{})
			expectStatus(t, c, "cancelled")
		})
	}
	// A second ticket on the same connection is refused too.
	send(t, holder, ta.queue("duel", "zed"))
	expectError(t, holder, "already_queued")
}

func TestQueueMalformedMessagesClose(t *testing.T) {
	ta := newTestAPI(t)
	mm, url, _ := ta.mm, ta.url, ta.pass
	tests := []struct {
		name string
		msg  []byte
		typ  websocket.MessageType
		code websocket.StatusCode
	}{
		{"garbage", []byte{0xc1, 0x00}, websocket.MessageBinary, protocol.CloseInvalidPayload},
		{"text frame", []byte("queue please"), websocket.MessageText, protocol.CloseUnsupportedData},
		{"unknown type", []byte{0x91, 0x63}, websocket.MessageBinary, protocol.CloseUnknownType},
		{"game message on the queue", (&protocol.Input{Seq: 1}).Append(nil), websocket.MessageBinary, protocol.CloseUnexpected},
		{"queue with a missing field", []byte{0x93, 0x0b, 0x04, 0xa3, 'f', 'f', 'a'}, websocket.MessageBinary, protocol.CloseInvalidPayload},
		{"huge identity claim", []byte{0x98, 0x0b, 0x04, 0xa1, 'x', 0x00, 0x90, 0xdb, 0xff, 0xff, 0xff, 0xff}, websocket.MessageBinary, protocol.CloseInvalidPayload},
		{"wrong version", (&protocol.Queue{Version: 9, Mode: "duel", Identity: ta.keys.JWT(t, "v")}).Append(nil), websocket.MessageBinary, protocol.CloseBadVersion},
		// A version 3 client's Queue, [11, 3, mode, skill, regions, party]: told its version, not "malformed".
		{"version 3 queue", []byte{0x96, 0x0b, 0x03, 0xa4, 'd', 'u', 'e', 'l', 0xcd, 0x05, 0xdc, 0x90, 0x91, 0x92, 0xa1, 'a', 0xa1, 'a'}, websocket.MessageBinary, protocol.CloseBadVersion},
		{"no identity", (&protocol.Queue{Version: protocol.Version, Mode: "duel"}).Append(nil), websocket.MessageBinary, protocol.CloseBadIdentity},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := dialQueue(t, url)
			c.Write(context.Background(), tt.typ, tt.msg)
			expectClose(t, c, tt.code)
			if n := waitingTickets(t, mm); n != 0 {
				t.Fatalf("%d tickets waiting, want none", n)
			}
		})
	}
}

func TestCancelledTicketIsNeverAssigned(t *testing.T) {
	ta := newTestAPI(t)
	mm, url, pass := ta.mm, ta.url, ta.pass
	a, b := dialQueue(t, url), dialQueue(t, url)
	send(t, a, ta.queue("duel", "ann"))
	st := expectStatus(t, a, "queued")
	send(t, a, &protocol.Cancel{})
	expectStatus(t, a, "cancelled")
	send(t, b, ta.queue("duel", "bob"))
	expectStatus(t, b, "queued")
	pass()
	status, err := mm.Status(context.Background(), matchmaking.TicketID(st.Ticket))
	if err != nil || status.State != matchmaking.StateCancelled {
		t.Fatalf("cancelled ticket is %+v, %v", status, err)
	}
	// Bob has nobody to play with and is still waiting.
	if n := waitingTickets(t, mm); n != 1 {
		t.Fatalf("%d tickets waiting, want bob's", n)
	}
	// Hanging up cancels too.
	b.Close(websocket.StatusNormalClosure, "bye")
	deadline := time.Now().Add(5 * time.Second)
	for waitingTickets(t, mm) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("a ticket outlived its connection")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestOperatorEndpoints(t *testing.T) {
	ta := newTestAPI(t)
	_, url, _ := ta.mm, ta.url, ta.pass
	c := dialQueue(t, url)
	send(t, c, ta.queue("duel", "ann"))
	st := expectStatus(t, c, "queued")

	var stats struct {
		Pools []struct {
			Mode    string `json:"mode"`
			Tickets int    `json:"tickets"`
		} `json:"pools"`
	}
	getJSON(t, url+"/v1/matchmaking/stats", http.StatusOK, &stats)
	found := false
	for _, p := range stats.Pools {
		found = found || (p.Mode == "duel" && p.Tickets == 1)
	}
	if !found {
		t.Fatalf("stats %+v do not show the waiting duel ticket", stats)
	}

	var view struct {
		Status      matchmaking.TicketStatus       `json:"status"`
		Explanation *matchmaking.PlayerExplanation `json:"player_explanation"`
	}
	getJSON(t, url+"/v1/matchmaking/tickets/"+st.Ticket, http.StatusOK, &view)
	if view.Status.State != matchmaking.StateQueued || view.Explanation == nil || view.Explanation.Reason == "" {
		t.Fatalf("ticket view %+v: want a queued ticket with the reason it waits", view)
	}
	var e struct{ Error string }
	getJSON(t, url+"/v1/matchmaking/tickets/nope", http.StatusNotFound, &e)
	if e.Error == "" {
		t.Fatal("404 without a message")
	}
}

func getJSON(t *testing.T, url string, code int, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != code {
		t.Fatalf("GET %s: %d, want %d", url, resp.StatusCode, code)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil && !errors.Is(err, io.EOF) {
		t.Fatal(err)
	}
}

func withParty(q *protocol.Queue, code string) *protocol.Queue {
	q.Party = code
	return q
}
