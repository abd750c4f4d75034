package matchapi

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/protocol"
)

// A queue connection that floods messages is closed with 1008, as /ws is.
func TestQueueMessageRateLimit(t *testing.T) {
	tests := []struct {
		name   string
		burst  int
		sent   int
		closed bool
	}{
		{"within the burst", 10, 10, false},
		{"past the burst", 10, 200, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ta := newTestAPIWith(t, &Options{QueueRate: 1, QueueBurst: tc.burst})
			url := ta.url
			c := dialQueue(t, url)
			for range tc.sent {
				if err := c.Write(context.Background(), websocket.MessageBinary, (&protocol.Cancel{}).Append(nil)); err != nil {
					break // closed under us: the server refused the flood
				}
			}
			if tc.closed {
				expectCloseReason(t, c, websocket.StatusPolicyViolation, "queue message rate limit exceeded")
				return
			}
			for range tc.sent {
				expectError(t, c, "not_queued")
			}
		})
	}
}

func expectCloseReason(t *testing.T, c *websocket.Conn, code websocket.StatusCode, reason string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		_, _, err := c.Read(ctx)
		if err == nil {
			continue
		}
		var ce websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != code || ce.Reason != reason {
			t.Fatalf("closed with %v, want %d %q", err, code, reason)
		}
		return
	}
}

// One address has at most MaxTicketsPerIP live tickets; another address
// still queues, and a cancelled ticket gives its place back.
func TestQueueTicketsPerAddress(t *testing.T) {
	ta := newTestAPIWith(t, &Options{MaxTicketsPerIP: 2})
	url := ta.url
	var conns []*websocket.Conn
	for i, name := range []string{"a1", "a2", "a3"} {
		c := dialQueue(t, url)
		send(t, c, ta.queue("squad", name))
		if i < 2 {
			expectStatus(t, c, "queued")
		} else {
			expectError(t, c, "too_many_tickets")
		}
		conns = append(conns, c)
	}
	other := dialQueueFrom(t, url, net.IPv4(127, 0, 0, 2))
	send(t, other, ta.queue("squad", "b1"))
	expectStatus(t, other, "queued")

	send(t, conns[0], &protocol.Cancel{})
	expectStatus(t, conns[0], "cancelled")
	send(t, conns[2], ta.queue("squad", "a3"))
	expectStatus(t, conns[2], "queued")
}

// A player's view of their own ticket names no other ticket.
func TestTicketViewNamesNoOtherPlayer(t *testing.T) {
	ta := newTestAPIWith(t, &Options{})
	mm, url, pass := ta.mm, ta.url, ta.pass
	ann, bob := dialQueue(t, url), dialQueue(t, url)
	send(t, ann, ta.queue("squad", "ann"))
	annTicket := expectStatus(t, ann, "queued").Ticket
	send(t, bob, ta.queue("squad", "bob"))
	bobTicket := expectStatus(t, bob, "queued").Ticket
	pass() // a squad needs 4: both keep waiting, each the other's candidate

	body := get(t, url+"/v1/matchmaking/tickets/"+annTicket, http.StatusOK)
	if strings.Contains(body, bobTicket) || strings.Contains(body, "bob") {
		t.Fatalf("ann's ticket view names bob's ticket %s:\n%s", bobTicket, body)
	}
	if !strings.Contains(body, `"player_explanation"`) || !strings.Contains(body, `"in_window": 1`) {
		t.Fatalf("ann's ticket view lacks the aggregate explanation:\n%s", body)
	}

	// Operators, on their own address, see the candidates.
	mux := http.NewServeMux()
	New(mm, nil).Register(mux)
	rec := httptest.NewRecorder()
	AsOperator(mux).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v1/matchmaking/tickets/"+annTicket, nil))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), bobTicket) {
		t.Fatalf("the operator's view of ann's ticket does not list bob's ticket %s: %d\n%s", bobTicket, rec.Code, rec.Body)
	}
}

// Errors do not echo unbounded input back.
func TestErrorsDoNotEchoInput(t *testing.T) {
	url := newTestAPIWith(t, &Options{}).url
	long := strings.Repeat("x", 4000)
	tests := []struct {
		path string
		code int
	}{
		{"/v1/matchmaking/tickets/" + long, http.StatusBadRequest},
		{"/v1/matchmaking/tickets/t" + strings.Repeat("0", 40), http.StatusNotFound},
		{"/v1/matches/" + long, http.StatusBadRequest},
		{"/nothing/here/" + long, http.StatusNotFound},
	}
	for _, tc := range tests {
		body := get(t, url+tc.path, tc.code)
		if len(body) > 200 || strings.Contains(body, "xxxxxxxx") || strings.Contains(body, "00000000") {
			t.Errorf("GET %.40s…: the error echoes the input (%d bytes): %.300s", tc.path, len(body), body)
		}
	}
}

func get(t *testing.T, url string, code int) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != code {
		t.Fatalf("GET %.60s: %d, want %d: %s", url, resp.StatusCode, code, b)
	}
	return string(b)
}
