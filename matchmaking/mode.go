package matchmaking

import (
	"fmt"
	"math"
	"time"
)

// ModeConfig describes one game mode's matches and how tickets wait for
// them. Every zero field takes the default documented on it; MaxPlayers and
// Name are required.
type ModeConfig struct {
	// Name identifies the mode; tickets name it. Required.
	Name string `json:"name"`

	// MaxPlayers is the size of a full match. Required.
	MaxPlayers int `json:"max_players"`

	// MinPlayers is the smallest match that may start once its oldest
	// ticket has waited FullMatchWait for a full one. Default MaxPlayers
	// (only full matches).
	MinPlayers int `json:"min_players"`

	// Teams is the number of teams; 0 or 1 is free-for-all. In team modes
	// MaxPlayers must divide into Teams teams of MaxPlayers/Teams, a party
	// must fit in one team, and a match that starts short still has at
	// least one player in every team.
	Teams int `json:"teams"`

	// SkillWindow is the largest rating difference allowed between the
	// tickets of one match when its oldest ticket has just arrived.
	// Default 100.
	SkillWindow float64 `json:"skill_window"`

	// WidenPerSecond widens a ticket's window by this many rating points
	// for each second it waits. Default 20.
	WidenPerSecond float64 `json:"widen_per_second"`

	// MaxSkillWindow caps the widened window. Default 500. Set it to
	// SkillWindow to never widen, or very high to let a long wait match
	// any rating. Windows are finite (they appear in JSON).
	MaxSkillWindow float64 `json:"max_skill_window"`

	// MaxRTT is the largest round trip at which a ticket plays in a region.
	// A ticket with no region under it may play only in its best region.
	// Default 150ms.
	MaxRTT time.Duration `json:"max_rtt_ns"`

	// TicketTimeout is how long a ticket waits before it is dropped with
	// a timed-out status. Default 2 minutes.
	TicketTimeout time.Duration `json:"ticket_timeout_ns"`

	// FullMatchWait is how long a match's oldest ticket waits for a full
	// match before one may start with MinPlayers. Default 10s.
	FullMatchWait time.Duration `json:"full_match_wait_ns"`
}

// WithDefaults returns m with every zero field set to its default.
func (m ModeConfig) WithDefaults() ModeConfig {
	if m.MinPlayers == 0 {
		m.MinPlayers = m.MaxPlayers
	}
	if m.SkillWindow == 0 {
		m.SkillWindow = 100
	}
	if m.WidenPerSecond == 0 {
		m.WidenPerSecond = 20
	}
	if m.MaxSkillWindow == 0 {
		m.MaxSkillWindow = max(500, m.SkillWindow)
	}
	if m.MaxRTT == 0 {
		m.MaxRTT = 150 * time.Millisecond
	}
	if m.TicketTimeout == 0 {
		m.TicketTimeout = 2 * time.Minute
	}
	if m.FullMatchWait == 0 {
		m.FullMatchWait = 10 * time.Second
	}
	return m
}

// Validate checks a mode after WithDefaults. Its errors wrap ErrBadMode.
func (m ModeConfig) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w %q: %s", ErrBadMode, m.Name, fmt.Sprintf(format, args...))
	}
	switch {
	case m.Name == "":
		return bad("no name")
	case m.MaxPlayers < 1:
		return bad("max players %d, need at least 1", m.MaxPlayers)
	case m.MinPlayers < 1 || m.MinPlayers > m.MaxPlayers:
		return bad("min players %d outside 1..%d", m.MinPlayers, m.MaxPlayers)
	case m.Teams < 0:
		return bad("negative team count %d", m.Teams)
	case m.Teams > 1 && m.MaxPlayers%m.Teams != 0:
		return bad("%d players do not divide into %d teams", m.MaxPlayers, m.Teams)
	case m.Teams > 1 && m.MinPlayers < m.Teams:
		return bad("min players %d cannot fill %d teams", m.MinPlayers, m.Teams)
	case !(m.SkillWindow > 0) || math.IsInf(m.SkillWindow, 0):
		return bad("skill window %v, need a finite value > 0", m.SkillWindow)
	case !(m.WidenPerSecond >= 0) || math.IsInf(m.WidenPerSecond, 0):
		return bad("widen per second %v, need a finite value >= 0", m.WidenPerSecond)
	case !(m.MaxSkillWindow >= m.SkillWindow) || math.IsInf(m.MaxSkillWindow, 0):
		return bad("max skill window %v, need a finite value >= skill window %v", m.MaxSkillWindow, m.SkillWindow)
	case m.MaxRTT < 0 || m.TicketTimeout < 0 || m.FullMatchWait < 0:
		return bad("negative duration")
	}
	return nil
}

// TeamCount is the number of teams: 1 for free-for-all.
func (m ModeConfig) TeamCount() int { return max(m.Teams, 1) }

// TeamSize is the number of players in a full team: MaxPlayers in
// free-for-all.
func (m ModeConfig) TeamSize() int { return m.MaxPlayers / m.TeamCount() }

// MaxParty is the largest party a ticket may have: a team.
func (m ModeConfig) MaxParty() int { return m.TeamSize() }

// Window is the skill window of a ticket that has waited this long:
// min(MaxSkillWindow, SkillWindow + WidenPerSecond × seconds waited).
func (m ModeConfig) Window(waited time.Duration) float64 {
	if waited < 0 {
		waited = 0
	}
	return min(m.MaxSkillWindow, m.SkillWindow+m.WidenPerSecond*waited.Seconds())
}
