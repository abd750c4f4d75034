package clientnet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Errors of ListReplays, for a menu to say in plain words what went wrong.
var (
	// ErrNotShared means the server answered that it does not share its
	// recordings with players (401, 403 or 404 at /replays/: it records
	// nothing, keeps them on its admin address, or is not a Skirmish
	// server that serves them).
	ErrNotShared = errors.New("clientnet: the server does not share its replays")
	// ErrUnreachable means the request got no answer at all.
	ErrUnreachable = errors.New("clientnet: the server did not answer")
)

// ReplayInfo is one recording of a server's list (GET /replays/), for a
// menu of replays to watch.
type ReplayInfo struct {
	Name     string    `json:"name"` // NAME.skrec, as ReplayURL takes it
	Size     int64     `json:"size"` // bytes
	Modified time.Time `json:"modified"`
	// Match and Started are the match's ID and start, when the server
	// gives them (zero otherwise).
	Match   string    `json:"match,omitempty"`
	Started time.Time `json:"started,omitzero"`
}

// Length is how long the recorded match ran (from its start to the
// file's last write), or 0 when the server did not say when it started.
func (r ReplayInfo) Length() time.Duration {
	if r.Started.IsZero() || !r.Modified.After(r.Started) {
		return 0
	}
	return r.Modified.Sub(r.Started)
}

// maxReplayList bounds the list's body: a server lists at most 1000.
const maxReplayList = 1 << 20

// ListReplays reads the recordings the server whose game endpoint is
// gameURL shares with players (ws://host:port/ws →
// http://host:port/replays/), newest first, through the client's one
// small HTTP path (httpDo: no HTTP client in the wasm). Errors wrap
// ErrNotShared when the server refuses, ErrUnreachable when it does not
// answer, or ErrAddress.
func ListReplays(ctx context.Context, gameURL string) ([]ReplayInfo, error) {
	u, err := siteURL(gameURL, "/replays/")
	if err != nil {
		return nil, fmt.Errorf("clientnet: list replays: %w", err)
	}
	status, body, err := httpDo(ctx, "GET", u, nil, nil, maxReplayList)
	switch {
	case err != nil && ctx.Err() != nil:
		return nil, fmt.Errorf("clientnet: list replays: %w", ctx.Err())
	case err != nil && status == 0:
		return nil, fmt.Errorf("clientnet: list replays: %w: %w", ErrUnreachable, err)
	case err != nil:
		return nil, fmt.Errorf("clientnet: list replays: %w", err)
	case status == 401 || status == 403 || status == 404:
		return nil, fmt.Errorf("clientnet: list replays: %w: %s answered status %d", ErrNotShared, u, status)
	case status != 200:
		return nil, fmt.Errorf("clientnet: list replays: %s answered status %d", u, status)
	}
	var list []ReplayInfo
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, fmt.Errorf("clientnet: list replays: %s: %w", u, err)
	}
	return list, nil
}

// ReplayURL is the address of the recording name on the server whose
// game endpoint is gameURL: what the replay viewer opens.
func ReplayURL(gameURL, name string) (string, error) {
	u, err := siteURL(gameURL, "/replays/"+name)
	if err != nil {
		return "", fmt.Errorf("clientnet: replay URL: %w", err)
	}
	return u, nil
}
