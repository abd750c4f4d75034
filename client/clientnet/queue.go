package clientnet

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/protocol"
)

// QueueRequest is what a player asks the matchmaker for.
type QueueRequest struct {
	Mode    string
	Skill   int32
	Regions []protocol.RegionRTT // empty: the matchmaker's default region
	// Identity is the player's identity token (Guest, or the game
	// backend's): the ticket's player. Required.
	Identity string
	// Name is the display name.
	Name string
	// Party, when set, is a party's invite code: its leader queues the
	// party, every other member waits for the leader's ticket. Each gets
	// its own token.
	Party string
}

// Assignment is where the matchmaker sent the player: dial HostURL with
// the player's token (the only one: each member of a party gets its own)
// as DialOptions.Resume.
type Assignment struct {
	HostURL string // absolute: an empty one from the server is resolved
	Match   string
	Tokens  []protocol.MemberToken
}

// TokenFor returns a party member's join token ("" when absent).
func (a *Assignment) TokenFor(player string) string {
	for _, t := range a.Tokens {
		if t.Player == player {
			return t.Token
		}
	}
	return ""
}

// QueueError is the matchmaker refusing a request or ending a ticket
// (timed_out, failed, cancelled); Code is stable, Message for people.
type QueueError struct {
	Code    string
	Message string
}

func (e *QueueError) Error() string {
	return fmt.Sprintf("clientnet: matchmaker: %s: %s", e.Code, e.Message)
}

// Queue connects to a matchmaker's queue endpoint (for example
// ws://localhost:8080/v1/matchmaking/ws), queues, reports every status to
// onStatus (which may be nil) and returns the assignment. Cancelling ctx
// cancels the ticket. A refusal or a ticket that ends unassigned returns a
// *QueueError.
func Queue(ctx context.Context, queueURL string, req QueueRequest, onStatus func(protocol.QueueStatus)) (Assignment, error) {
	ws, _, err := websocket.Dial(ctx, queueURL, wsDialOptions(&DialOptions{}))
	if err != nil {
		return Assignment{}, fmt.Errorf("clientnet: dial matchmaker %s: %w", queueURL, err)
	}
	defer ws.CloseNow()
	ws.SetReadLimit(64 << 10)
	q := protocol.Queue{Version: protocol.Version, Mode: req.Mode, Skill: req.Skill, Regions: req.Regions,
		Identity: req.Identity, Name: req.Name, Party: req.Party}
	if err := ws.Write(ctx, websocket.MessageBinary, q.Append(nil)); err != nil {
		return Assignment{}, fmt.Errorf("clientnet: queue: %w", err)
	}
	stopCancel := context.AfterFunc(ctx, func() {
		// Leaving the queue: say so, then hang up.
		ws.Write(context.Background(), websocket.MessageBinary, (&protocol.Cancel{}).Append(nil))
		ws.Close(websocket.StatusNormalClosure, "cancelled")
	})
	defer stopCancel()

	var buf []byte
	for {
		buf, err = readMessage(context.Background(), ws, buf)
		if err != nil {
			if ctx.Err() != nil {
				return Assignment{}, ctx.Err()
			}
			return Assignment{}, fmt.Errorf("clientnet: queue: %w", err)
		}
		typ, err := protocol.PeekType(buf)
		if err != nil {
			return Assignment{}, fmt.Errorf("clientnet: queue: %w", err)
		}
		switch typ {
		case protocol.MsgQueueStatus:
			var st protocol.QueueStatus
			if err := st.Decode(buf); err != nil {
				return Assignment{}, fmt.Errorf("clientnet: queue: %w", err)
			}
			if onStatus != nil {
				onStatus(st)
			}
			if st.State == "cancelled" {
				return Assignment{}, &QueueError{Code: "cancelled", Message: "the ticket was cancelled"}
			}
		case protocol.MsgQueueError:
			var qe protocol.QueueError
			if err := qe.Decode(buf); err != nil {
				return Assignment{}, fmt.Errorf("clientnet: queue: %w", err)
			}
			return Assignment{}, &QueueError{Code: qe.Code, Message: qe.Message}
		case protocol.MsgAssigned:
			var a protocol.Assigned
			if err := a.Decode(buf); err != nil {
				return Assignment{}, fmt.Errorf("clientnet: queue: %w", err)
			}
			host, err := resolveHost(queueURL, a.HostURL)
			if err != nil {
				return Assignment{}, err
			}
			return Assignment{HostURL: host, Match: a.Match, Tokens: a.Tokens}, nil
		default:
			return Assignment{}, fmt.Errorf("%w: message type %d on the queue", ErrUnexpected, typ)
		}
	}
}

// resolveHost turns an assignment's host URL into an absolute one: empty
// means the server the player queued on, at its /ws endpoint.
func resolveHost(queueURL, host string) (string, error) {
	if host != "" {
		return host, nil
	}
	u, err := url.Parse(queueURL)
	if err != nil {
		return "", fmt.Errorf("clientnet: matchmaker URL: %w", err)
	}
	u.Path = strings.TrimSuffix(u.Path, "/v1/matchmaking/ws") + "/ws"
	u.RawQuery = ""
	return u.String(), nil
}

// QueueURL derives a server's matchmaker endpoint from its game endpoint
// (…/ws → …/v1/matchmaking/ws), for the embedded server.
func QueueURL(gameURL string) (string, error) {
	u, err := url.Parse(gameURL)
	if err != nil {
		return "", fmt.Errorf("clientnet: server URL: %w", err)
	}
	if u.Scheme == "" || u.Host == "" {
		return "", errors.New("clientnet: server URL needs a scheme and a host")
	}
	u.Path = strings.TrimSuffix(u.Path, "/ws") + "/v1/matchmaking/ws"
	return u.String(), nil
}
