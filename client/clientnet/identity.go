package clientnet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/protocol"
)

// Identity is who the player is to a server: a guest identity the server
// issued (POST /v1/auth/guest) or a token from the game's backend. A
// client keeps its guest identity and reuses it; a new one is a new
// player.
type Identity struct {
	Player  string    `json:"player"`
	Token   string    `json:"token"`
	Expires time.Time `json:"expires"`
}

// usable reports whether id can still be presented at now: with a day to
// spare, so that it does not expire during a session.
func (id Identity) usable(now time.Time) bool {
	return id.Token != "" && now.Add(24*time.Hour).Before(id.Expires)
}

// IdentityStore keeps guest identities across restarts, one per server
// (a guest identity is only valid where it was issued). Implementations
// must be safe for concurrent use.
type IdentityStore interface {
	// Load returns the identity kept for server, if any.
	Load(server string) (Identity, bool)
	// Save keeps id for server; Forget drops it (the server refused it).
	Save(server string, id Identity) error
	Forget(server string) error
}

// MemoryIdentities keeps identities for the life of the process (bots).
type MemoryIdentities struct {
	mu  sync.Mutex
	ids map[string]Identity
}

// Load implements IdentityStore.
func (m *MemoryIdentities) Load(server string) (Identity, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	id, ok := m.ids[server]
	return id, ok
}

// Save implements IdentityStore.
func (m *MemoryIdentities) Save(server string, id Identity) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ids == nil {
		m.ids = map[string]Identity{}
	}
	m.ids[server] = id
	return nil
}

// Forget implements IdentityStore.
func (m *MemoryIdentities) Forget(server string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.ids, server)
	return nil
}

// ServerKey names a server in an IdentityStore: the scheme-neutral host of
// any of its URLs (game, queue or HTTP), since they share one issuer.
func ServerKey(serverURL string) string {
	u, err := url.Parse(serverURL)
	if err != nil || u.Host == "" {
		return serverURL
	}
	return strings.ToLower(u.Host)
}

// GuestURL is the guest endpoint of the server behind any of its URLs
// (ws://host/ws → http://host/v1/auth/guest).
func GuestURL(serverURL string) (string, error) {
	u, err := url.Parse(serverURL)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("%w: %q", ErrAddress, serverURL)
	}
	switch u.Scheme {
	case "ws", "http":
		u.Scheme = "http"
	case "wss", "https":
		u.Scheme = "https"
	default:
		return "", fmt.Errorf("%w: scheme %q", ErrAddress, u.Scheme)
	}
	u.Path, u.RawQuery = "/v1/auth/guest", ""
	return u.String(), nil
}

// FetchGuest asks the server behind serverURL for a new guest identity.
func FetchGuest(ctx context.Context, serverURL string) (Identity, error) {
	gu, err := GuestURL(serverURL)
	if err != nil {
		return Identity{}, err
	}
	status, body, err := httpDo(ctx, http.MethodPost, gu, nil, nil, 8<<10)
	if err != nil {
		return Identity{}, fmt.Errorf("clientnet: guest identity: %w", err)
	}
	if status != http.StatusOK {
		var e struct{ Error string }
		json.Unmarshal(body, &e)
		return Identity{}, fmt.Errorf("%w: %d %s: %s", ErrNoGuest, status, http.StatusText(status), e.Error)
	}
	var id Identity
	if err := json.Unmarshal(body, &id); err != nil || id.Token == "" || id.Player == "" {
		return Identity{}, fmt.Errorf("clientnet: guest identity: not a guest identity: %.100q", body)
	}
	return id, nil
}

// Guest returns the identity store keeps for the server behind serverURL,
// or fetches a new one and keeps it. A store that fails to save still
// yields the identity (it just will not outlive the process).
func Guest(ctx context.Context, serverURL string, store IdentityStore) (Identity, error) {
	key := ServerKey(serverURL)
	if id, ok := store.Load(key); ok && id.usable(time.Now()) {
		return id, nil
	}
	id, err := FetchGuest(ctx, serverURL)
	if err != nil {
		return Identity{}, err
	}
	store.Save(key, id)
	return id, nil
}

// IdentityRefused reports whether err is a server refusing the player's
// identity (close 4007, or the queue's "bad_identity", which browsers can
// read): drop the identity from the store and fetch a new one.
func IdentityRefused(err error) bool {
	if qe, ok := errors.AsType[*QueueError](err); ok && qe.Code == "bad_identity" {
		return true
	}
	return websocket.CloseStatus(err) == protocol.CloseBadIdentity
}

// ErrNoGuest: the server answered POST /v1/auth/guest with an error (for
// example 429, too many guests from this address).
var ErrNoGuest = errors.New("clientnet: no guest identity")
