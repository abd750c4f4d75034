package match

import (
	"time"

	"github.com/skirmishgg/skirmish/game"
)

// Result is a finished match's scoreboard, for the game's backend.
type Result struct {
	Reason    string
	Winner    game.PlayerID
	Standings []Standing // best first, as the game ranked them
	Started   time.Time
	Ended     time.Time
	Ticks     uint32
}

// Standing is one player's line on a Result.
type Standing struct {
	Player game.PlayerID
	// Identity is who the player is outside the match (the player ID its
	// join token names), empty for a player placed without one.
	Identity string
	Name     string
	Score    int32
	Deaths   int32
}

// resultOf builds the Result of an outcome. Loop only.
func (m *Match) resultOf(out game.Outcome) *Result {
	r := &Result{Reason: out.Reason, Winner: out.Winner, Started: m.started, Ended: m.opts.Clock.Now(), Ticks: m.tick}
	for _, res := range out.Results {
		st := Standing{Player: res.Player, Score: res.Score, Deaths: res.Deaths}
		if who, ok := m.known[res.Player]; ok {
			st.Identity, st.Name = who.identity, who.name
		}
		r.Standings = append(r.Standings, st)
	}
	return r
}

// who is what a match remembers of a player for its results.
type who struct{ identity, name string }
