package matchapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/matchmaking"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/netlimit"
	"github.com/skirmishgg/skirmish/server/ratelimit"
)

// queueConn is one player's (or party leader's) queue connection: at most
// one ticket at a time, whose status changes are pushed as they happen.
type queueConn struct {
	api  *API
	conn *websocket.Conn
	ip   string // the client's address, for the per-address ticket cap

	mu      sync.Mutex
	ticket  matchmaking.TicketID // the open ticket, "" when none
	player  string               // the identity of the latest Queue
	waiting context.CancelFunc   // ends a party member's wait, nil when none
	watches sync.WaitGroup
}

// serveQueue runs GET /v1/matchmaking/ws.
func (a *API) serveQueue(w http.ResponseWriter, r *http.Request) {
	ctl := &controlBudget{budget: netlimit.NewReadBudget(a.opts.ControlLimits, time.Now())}
	hj := &keepHijacked{ResponseWriter: w}
	conn, err := websocket.Accept(hj, r, &websocket.AcceptOptions{
		CompressionMode: websocket.CompressionDisabled,
		// Same origin and native clients only, unless listed: a page
		// elsewhere must not queue on its visitors' behalf.
		OriginPatterns: a.opts.OriginPatterns,
		OnPingReceived: ctl.ping,
		OnPongReceived: ctl.pong,
	})
	if err != nil {
		return
	}
	ctl.conn, ctl.netConn = conn, hj.conn
	defer conn.CloseNow()
	conn.SetReadLimit(protocol.MaxClientFrame)
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	defer cancel()
	q := &queueConn{api: a, conn: conn, ip: clientIP(r)}
	q.readLoop(ctx)
	// A player who leaves the queue connection leaves the queue.
	q.stopWaiting()
	if id := q.openTicket(); id != "" {
		q.api.mm.Cancel(ctx, id)
	}
	q.api.owners.release(q)
	cancel()
	q.watches.Wait()
	q.endTicket(false) // when the watch ended before the ticket did
}

// endTicket forgets the open ticket, if any, and ends it in its address's
// count of live tickets.
func (q *queueConn) endTicket(assigned bool) {
	q.mu.Lock()
	id := q.ticket
	q.ticket = ""
	q.mu.Unlock()
	if id != "" {
		q.api.perIP.give(q.ip, assigned)
	}
}

func (q *queueConn) openTicket() matchmaking.TicketID {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.ticket
}

// readLoop handles the client's messages until the connection ends.
func (q *queueConn) readLoop(ctx context.Context) {
	first := true
	limit := ratelimit.New(q.api.opts.QueueRate, q.api.opts.QueueBurst, time.Now())
	timer := time.AfterFunc(q.api.opts.HandshakeTimeout, func() {
		q.conn.Close(protocol.CloseHandshakeTimeout, "no queue request within the handshake timeout")
	})
	defer timer.Stop()
	for {
		typ, b, err := q.conn.Read(ctx)
		if err != nil {
			return
		}
		if first {
			timer.Stop()
			first = false
		}
		if !limit.Allow(time.Now()) {
			q.conn.Close(protocol.ClosePolicyViolation, "queue message rate limit exceeded")
			return
		}
		if typ != websocket.MessageBinary {
			q.conn.Close(protocol.CloseUnsupportedData, "text frames are not supported: send binary msgpack")
			return
		}
		mt, err := protocol.PeekType(b)
		if err != nil {
			q.closeForDecode(err)
			return
		}
		switch mt {
		case protocol.MsgQueue:
			// The version first: another version's Queue has other fields.
			if v, err := protocol.PeekVersion(b); err == nil && v != protocol.Version {
				q.conn.Close(protocol.CloseBadVersion, fmt.Sprintf("unsupported protocol version %d: this server speaks %d", v, protocol.Version))
				return
			}
			var m protocol.Queue
			if err := m.Decode(b); err != nil {
				q.closeForDecode(err)
				return
			}
			q.enqueue(ctx, &m)
		case protocol.MsgCancel:
			var m protocol.Cancel
			if err := m.Decode(b); err != nil {
				q.closeForDecode(err)
				return
			}
			q.cancel(ctx)
		default:
			q.conn.Close(protocol.CloseUnexpected, fmt.Sprintf("unexpected message type %d on the queue", mt))
			return
		}
	}
}

func (q *queueConn) closeForDecode(err error) {
	code := websocket.StatusCode(protocol.CloseInvalidPayload)
	if errors.Is(err, protocol.ErrUnknownType) {
		code = protocol.CloseUnknownType
	}
	q.conn.Close(code, protocol.Truncate(err.Error(), protocol.MaxCloseReason))
}

// enqueue turns a Queue into a ticket and starts pushing its status. The
// ticket's player is the identity's, never the client's word; a party's
// members are those who joined it by invite code.
func (q *queueConn) enqueue(ctx context.Context, m *protocol.Queue) {
	if id := q.openTicket(); id != "" || q.isWaiting() {
		q.refuse(ctx, "already_queued", "this connection already has a ticket queued: cancel it first")
		return
	}
	who, ok := q.identify(ctx, m.Identity)
	if !ok {
		return
	}
	t := matchmaking.Ticket{Mode: m.Mode, Skill: float64(m.Skill), Players: []matchmaking.Player{{ID: who.Player, Name: m.Name}}}
	var party string
	if m.Party != "" {
		p, leader, ok := q.party(ctx, m, who.Player)
		if !ok || !leader {
			return // refused, or a member waiting on the leader's ticket
		}
		t.Players, party = p.Members, p.Code
	}
	for _, r := range m.Regions {
		t.Regions = append(t.Regions, matchmaking.RegionLatency{Region: r.Region, RTT: time.Duration(r.RTTms) * time.Millisecond})
	}
	if len(t.Regions) == 0 {
		t.Regions = []matchmaking.RegionLatency{{Region: q.api.opts.DefaultRegion}}
	}
	if !q.api.perIP.take(q.ip) {
		q.refuse(ctx, "too_many_tickets", fmt.Sprintf("this address has %d tickets queued or just assigned, the most it may have: wait for one to end", q.api.opts.MaxTicketsPerIP))
		return
	}
	id, err := q.api.mm.Enqueue(ctx, t)
	if err != nil {
		q.api.perIP.give(q.ip, false)
		q.refuse(ctx, errorCode(err), err.Error())
		return
	}
	if party != "" {
		if _, err := q.api.opts.Parties.SetTicket(ctx, party, who.Player, id, time.Now()); err != nil {
			q.api.mm.Cancel(ctx, id)
			q.refuse(ctx, partyErrorCode(err), err.Error())
			return
		}
	}
	statuses, stop, err := q.api.mm.Watch(ctx, id)
	if err != nil {
		q.api.perIP.give(q.ip, false)
		q.refuse(ctx, "internal", err.Error())
		return
	}
	q.mu.Lock()
	q.ticket = id
	q.mu.Unlock()
	q.watches.Add(1)
	go func() {
		defer q.watches.Done()
		defer stop()
		q.push(ctx, statuses)
	}()
}

// push forwards a ticket's statuses until it is final.
func (q *queueConn) push(ctx context.Context, statuses <-chan matchmaking.TicketStatus) {
	for {
		var st matchmaking.TicketStatus
		var ok bool
		select {
		case st, ok = <-statuses:
			if !ok {
				return
			}
		case <-ctx.Done():
			return
		}
		msg := protocol.QueueStatus{
			Ticket:      string(st.TicketID),
			State:       string(st.State),
			Position:    uint32(st.Position),
			ElapsedMs:   uint32(st.Elapsed / time.Millisecond),
			EstimatedMs: uint32(st.EstimatedWait / time.Millisecond),
		}
		if q.write(ctx, &msg) != nil {
			return
		}
		if !st.State.Final() {
			continue
		}
		q.endTicket(st.State == matchmaking.StateAssigned)
		switch st.State {
		case matchmaking.StateAssigned:
			q.write(ctx, q.assigned(st.Assignment, q.playerID()))
			q.conn.Close(websocket.StatusNormalClosure, "assigned")
		case matchmaking.StateTimedOut, matchmaking.StateFailed:
			q.write(ctx, &protocol.QueueError{Code: string(st.State), Message: protocol.Truncate(st.Reason, protocol.MaxMessageLen)})
		}
		return
	}
}

// assigned converts an assignment to its message for one player: only
// that player's token (each member of a party gets its own on its own
// connection). The local host's URL is left empty: "the server you queued
// on".
func (q *queueConn) assigned(a *matchmaking.Assignment, player string) *protocol.Assigned {
	m := &protocol.Assigned{HostURL: a.HostURL, Match: a.MatchID}
	if a.HostID == q.api.opts.LocalHostID {
		m.HostURL = ""
	}
	for _, t := range a.Tokens {
		if t.PlayerID == player {
			m.Tokens = append(m.Tokens, protocol.MemberToken{Player: t.PlayerID, Token: t.Token})
		}
	}
	return m
}

func (q *queueConn) cancel(ctx context.Context) {
	if q.isWaiting() {
		q.stopWaiting()
		q.write(ctx, &protocol.QueueStatus{State: string(matchmaking.StateCancelled)})
		return
	}
	id := q.openTicket()
	if id == "" {
		q.refuse(ctx, "not_queued", "no ticket is queued on this connection")
		return
	}
	if err := q.api.mm.Cancel(ctx, id); err != nil {
		q.refuse(ctx, "not_queued", err.Error())
	}
}

// refuse answers a request with an error; the connection stays open.
func (q *queueConn) refuse(ctx context.Context, code, msg string) {
	q.write(ctx, &protocol.QueueError{Code: code, Message: protocol.Truncate(msg, protocol.MaxMessageLen)})
}

func (q *queueConn) write(ctx context.Context, m protocol.Message) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return q.conn.Write(ctx, websocket.MessageBinary, m.Append(nil))
}

// errorCode maps an Enqueue error to the stable code clients see.
func errorCode(err error) string {
	switch {
	case errors.Is(err, matchmaking.ErrUnknownMode):
		return "unknown_mode"
	case errors.Is(err, matchmaking.ErrPartyTooLarge):
		return "party_too_large"
	case errors.Is(err, matchmaking.ErrEmptyParty):
		return "empty_party"
	case errors.Is(err, matchmaking.ErrDuplicatePlayer):
		return "duplicate_player"
	case errors.Is(err, matchmaking.ErrPlayerQueued):
		return "already_queued"
	case errors.Is(err, matchmaking.ErrInvalidTicket):
		return "invalid_ticket"
	default:
		return "internal"
	}
}
