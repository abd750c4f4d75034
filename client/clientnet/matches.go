package clientnet

import (
	"context"
	"encoding/json"
	"fmt"
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
// is gameURL (ws://host:port/ws → http://host:port/v1/matches), through
// the client's one small HTTP path (httpDo: no HTTP client in the wasm).
func ListMatches(ctx context.Context, gameURL string) ([]MatchInfo, error) {
	u, err := siteURL(gameURL, "/v1/matches")
	if err != nil {
		return nil, fmt.Errorf("clientnet: list matches: %w", err)
	}
	status, body, err := httpDo(ctx, "GET", u, nil, nil, maxMatchList)
	if err != nil {
		return nil, fmt.Errorf("clientnet: list matches: %w", err)
	}
	if status != 200 {
		return nil, fmt.Errorf("clientnet: list matches: %s answered status %d", u, status)
	}
	var list struct {
		Matches []MatchInfo `json:"matches"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, fmt.Errorf("clientnet: list matches: %w", err)
	}
	return list.Matches, nil
}
