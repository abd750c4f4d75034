package matchapi

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/identity"
)

// owners maps each identity's player to its one queue connection on this
// matchmaker: a newer connection of the same identity takes over (its
// older one loses its ticket and is closed with 4006), so that one player
// never holds two tickets and a dropped connection that the server has
// not noticed yet never locks its player out.
type owners struct {
	mu    sync.Mutex
	conns map[string]*queueConn
}

// claim makes q the connection of player and returns the one it replaces,
// if any.
func (o *owners) claim(player string, q *queueConn) *queueConn {
	o.mu.Lock()
	defer o.mu.Unlock()
	old := o.conns[player]
	o.conns[player] = q
	if old == q {
		return nil
	}
	return old
}

// release forgets q when it still is its player's connection.
func (o *owners) release(q *queueConn) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if p := q.playerID(); p != "" && o.conns[p] == q {
		delete(o.conns, p)
	}
}

func (q *queueConn) playerID() string {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.player
}

// identify verifies a Queue's identity token and makes this connection
// its identity's one queue connection. A refusal closes the connection with 4007,
// which tells the client to get an identity (POST /v1/auth/guest) first.
func (q *queueConn) identify(ctx context.Context, token string) (identity.Identity, bool) {
	id, err := q.api.opts.Identities.Verify(token, time.Now())
	if err != nil {
		reason := "identity refused: " + err.Error()
		if errors.Is(err, identity.ErrMissing) {
			reason = "identity required: get one with POST /v1/auth/guest"
		}
		// Said twice: browsers do not show a close frame's code to
		// WebAssembly, a QueueError they can read.
		q.write(ctx, &protocol.QueueError{Code: "bad_identity", Message: protocol.Truncate(reason, protocol.MaxMessageLen)})
		q.conn.Close(protocol.CloseBadIdentity, protocol.Truncate(reason, protocol.MaxCloseReason))
		return identity.Identity{}, false
	}
	// A connection may queue as another identity after its ticket ended
	// (a shared device): it stops being the older identity's.
	q.api.owners.release(q)
	q.mu.Lock()
	q.player = id.Player
	q.mu.Unlock()
	if old := q.api.owners.claim(id.Player, q); old != nil {
		old.replaced(ctx)
	}
	return id, true
}

// replaced ends this connection's ticket or party wait because a newer
// connection of its identity queued: the ticket is cancelled now, before
// the newer one enqueues, and the connection is closed with 4006.
func (q *queueConn) replaced(ctx context.Context) {
	q.stopWaiting()
	if id := q.openTicket(); id != "" {
		if err := q.api.mm.Cancel(ctx, id); err != nil {
			q.api.opts.Logger.Debug("cancel a replaced ticket", "player", q.playerID(), "err", err)
		}
	}
	go q.conn.Close(protocol.CloseReplaced, "replaced: a newer queue connection of this identity took over")
}

// stopWaiting ends a party member's wait, if any.
func (q *queueConn) stopWaiting() {
	q.mu.Lock()
	stop := q.waiting
	q.waiting = nil
	q.mu.Unlock()
	if stop != nil {
		stop()
	}
}
