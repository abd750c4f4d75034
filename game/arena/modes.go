package arena

import (
	"fmt"

	"github.com/skirmishgg/skirmish/game"
)

// Modes are the ways to play the arena that `skirmish serve` offers: a
// 16-player free-for-all that starts short when a full one takes more than
// 5 s (even alone: players who queue later are backfilled in), and 1v1
// duels. base, when not nil, holds the settings every mode starts from;
// each mode keeps its own player count.
func Modes(base *Config) []game.Mode {
	rules := func(players int) *Rules {
		var c Config
		if base != nil {
			c = *base
		}
		c.MaxPlayers = players
		return New(&c)
	}
	return []game.Mode{
		{Name: "ffa", Rules: rules(16), MinPlayers: 1, StartShortAfterSeconds: 5},
		{Name: "duel", Rules: rules(2)},
	}
}

// ModeRules are the default rules of a match of mode, as Modes(nil) and
// `skirmish serve` offer them; mode "" is direct play with maxPlayers
// seats. Recordings name their mode this way (replay.Header), so a
// replay picks its rules with it.
func ModeRules(mode string, maxPlayers int) (*Rules, error) {
	if mode == "" {
		return New(&Config{MaxPlayers: maxPlayers}), nil
	}
	for _, m := range Modes(nil) {
		if m.Name == mode {
			return m.Rules.(*Rules), nil
		}
	}
	return nil, fmt.Errorf("arena: no mode %q (the arena's are ffa and duel)", mode)
}
