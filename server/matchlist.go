package server

import (
	"encoding/json"
	"net/http"
	"time"
)

// maxListedMatches bounds GET /v1/matches: a menu shows a page of matches,
// and the answer stays small however many a host runs.
const maxListedMatches = 100

// listedMatch is one running match as anyone may see it: what a client's
// "Watch" menu shows. No player IDs, tokens or addresses.
type listedMatch struct {
	ID          string    `json:"id"`
	Mode        string    `json:"mode,omitempty"` // empty for direct placement
	Game        string    `json:"game"`
	Players     int       `json:"players"`
	MaxPlayers  int       `json:"max_players"`
	Spectators  int       `json:"spectators"`
	Spectatable bool      `json:"spectatable"` // a Spectate for it would be taken now
	Started     time.Time `json:"started"`
}

type matchList struct {
	Matches []listedMatch `json:"matches"`
	// Truncated: the host runs more matches than the list shows.
	Truncated bool `json:"truncated,omitempty"`
}

// serveMatchList is GET /v1/matches on the player port: the public list
// of this host's running matches, oldest first, for spectators to pick
// from. Operator detail (GET /v1/matches/{id}) stays on the admin address.
func (s *Server) serveMatchList(w http.ResponseWriter, r *http.Request) {
	all := s.registry.Matches()
	list := matchList{Matches: make([]listedMatch, 0, min(len(all), maxListedMatches))}
	for _, m := range all {
		if len(list.Matches) == maxListedMatches {
			list.Truncated = true
			break
		}
		list.Matches = append(list.Matches, listedMatch{
			ID: m.ID, Mode: m.Mode, Game: m.Game, Players: m.Players, MaxPlayers: m.MaxPlayers,
			Spectators: m.Spectators, Spectatable: m.Spectatable, Started: m.Started.UTC(),
		})
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(list)
}
