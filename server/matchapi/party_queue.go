package matchapi

import (
	"context"
	"errors"
	"time"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/matchmaking"
	"github.com/skirmishgg/skirmish/protocol"
)

// partyPoll is how often a waiting member looks for the leader's ticket:
// the party lives in the shared store, and the leader may queue on another
// matchmaker.
const partyPoll = 200 * time.Millisecond

// party reads the party a Queue names for player. The leader queues the
// party's ticket (leader true); any other member waits on it, on this
// connection, until it is assigned. ok is false after a refusal.
func (q *queueConn) party(ctx context.Context, m *protocol.Queue, player string) (p matchmaking.Party, leader, ok bool) {
	code, valid := matchmaking.NormalizePartyCode(m.Party)
	if !valid {
		q.refuse(ctx, "unknown_party", "no party has this invite code")
		return p, false, false
	}
	p, err := q.api.opts.Parties.Get(ctx, code, time.Now())
	if err != nil {
		q.refuse(ctx, partyErrorCode(err), "no party has this invite code, or its invite expired")
		return p, false, false
	}
	switch {
	case !p.Member(player):
		q.refuse(ctx, "not_in_party", "join the party first: POST /v1/parties/{code}/join")
		return p, false, false
	case m.Mode != p.Mode:
		q.refuse(ctx, "party_mode", "this party plays "+p.Mode)
		return p, false, false
	case p.Leader == player:
		return p, true, true
	}
	wctx, cancel := context.WithCancel(ctx)
	q.mu.Lock()
	q.waiting = cancel
	q.mu.Unlock()
	q.watches.Add(1)
	go func() {
		defer q.watches.Done()
		defer q.stopWaiting()
		q.waitParty(wctx, code, player)
	}()
	return p, false, true
}

func (q *queueConn) isWaiting() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.waiting != nil
}

// waitParty follows the party's ticket for one member until it is
// assigned (the member gets its own token), ends, or the invite expires.
// A ticket that had ended before the member came (an earlier try of the
// leader's) is passed over, unless it holds the member's token.
func (q *queueConn) waitParty(ctx context.Context, code, player string) {
	skip := map[matchmaking.TicketID]bool{}
	tick := time.NewTicker(partyPoll)
	defer tick.Stop()
	for {
		p, err := q.api.opts.Parties.Get(ctx, code, time.Now())
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			q.write(ctx, &protocol.QueueError{Code: partyErrorCode(err), Message: "the party's invite expired before its leader queued"})
			return
		case p.Ticket != "" && !skip[p.Ticket]:
			if q.followParty(ctx, p.Ticket, player) {
				return
			}
			skip[p.Ticket] = true
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// followParty forwards the statuses of the party's ticket to a member; it
// reports whether the wait is over.
func (q *queueConn) followParty(ctx context.Context, id matchmaking.TicketID, player string) bool {
	statuses, stop, err := q.api.mm.Watch(ctx, id)
	if err != nil {
		return false
	}
	defer stop()
	first := true
	for {
		var st matchmaking.TicketStatus
		select {
		case <-ctx.Done():
			return true
		case s, ok := <-statuses:
			if !ok {
				return false
			}
			st = s
		}
		mine := st.State == matchmaking.StateAssigned && len(q.assigned(st.Assignment, player).Tokens) == 1
		if st.State.Final() && first && !mine {
			return false // an earlier try of the leader's
		}
		first = false
		msg := protocol.QueueStatus{Ticket: string(st.TicketID), State: string(st.State), Position: uint32(st.Position),
			ElapsedMs: uint32(st.Elapsed / time.Millisecond), EstimatedMs: uint32(st.EstimatedWait / time.Millisecond)}
		if q.write(ctx, &msg) != nil {
			return true
		}
		if !st.State.Final() {
			continue
		}
		switch {
		case mine:
			q.write(ctx, q.assigned(st.Assignment, player))
			q.conn.Close(websocket.StatusNormalClosure, "assigned")
		case st.State == matchmaking.StateAssigned:
			q.write(ctx, &protocol.QueueError{Code: "not_in_ticket", Message: "the party's leader queued before you joined: ask them to queue again"})
		case st.State != matchmaking.StateCancelled:
			q.write(ctx, &protocol.QueueError{Code: string(st.State), Message: protocol.Truncate(st.Reason, protocol.MaxMessageLen)})
		}
		return true
	}
}

// partyErrorCode maps a party error to the stable code clients see.
func partyErrorCode(err error) string {
	switch {
	case errors.Is(err, matchmaking.ErrPartyNotFound):
		return "unknown_party"
	case errors.Is(err, matchmaking.ErrNotLeader):
		return "not_leader"
	case errors.Is(err, matchmaking.ErrPartyFull):
		return "party_full"
	}
	return "internal"
}
