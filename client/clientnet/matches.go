package clientnet

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// MatchInfo is one running match of a server's public list (GET
// /v1/matches), for a menu of matches to watch.
type MatchInfo struct {
	ID          string    `json:"id"`
	Mode        string    `json:"mode"`
	Game        string    `json:"game"`
	Players     int       `json:"players"`
	MaxPlayers  int       `json:"max_players"`
	Spectators  int       `json:"spectators"`
	Spectatable bool      `json:"spectatable"`
	Started     time.Time `json:"started"`
}

// maxMatchList bounds the list's body: a server lists at most 100.
const maxMatchList = 1 << 20

// ListMatches reads the running matches of the server whose game endpoint
// is gameURL (ws://host:port/ws → http://host:port/v1/matches). client
// may be nil: http.DefaultClient.
func ListMatches(ctx context.Context, gameURL string, client *http.Client) ([]MatchInfo, error) {
	u, err := url.Parse(gameURL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("clientnet: list matches: %w: %q", ErrAddress, gameURL)
	}
	switch u.Scheme {
	case "ws":
		u.Scheme = "http"
	case "wss":
		u.Scheme = "https"
	}
	u.Path = strings.TrimSuffix(u.Path, "/ws") + "/v1/matches"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("clientnet: list matches: %w", err)
	}
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("clientnet: list matches: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("clientnet: list matches: %s answered %s", u, resp.Status)
	}
	var list struct {
		Matches []MatchInfo `json:"matches"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxMatchList)).Decode(&list); err != nil {
		return nil, fmt.Errorf("clientnet: list matches: %w", err)
	}
	return list.Matches, nil
}
