package play

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/skirmishgg/skirmish/client/clientnet"
	"github.com/skirmishgg/skirmish/protocol"
)

// Phase is the screen the client shows.
type Phase int

// Phases, in the order a player goes through them.
const (
	PhaseMenu       Phase = iota // server address, name, Play
	PhaseConnecting              // dialing the server (the waiting screen)
	PhaseWaiting                 // queued for players, or welcomed and waiting for the first snapshot (the waiting screen)
	PhasePlaying                 // the match
	PhaseResults                 // the match ended: results, play again
)

var phaseNames = [...]string{"menu", "connecting", "waiting", "playing", "results"}

func (p Phase) String() string {
	if int(p) < len(phaseNames) {
		return phaseNames[p]
	}
	return fmt.Sprintf("Phase(%d)", int(p))
}

// Machine is the client's screen state machine:
//
//	menu ──Play──▶ connecting ──queued/Welcome──▶ waiting ──snapshot──▶ playing
//	  ▲                │                                          │
//	  └── failure ─────┴──────────── Leave ───────────────────────┤
//	                                                         MatchEnd
//	results ──Play (again)──▶ connecting                          │
//	   ▲──────────────────────────────────────────────────────────┘
//
// It is driven by the game loop (Update once a frame) and by the player's
// choices (Play, Leave); it is not safe for concurrent use.
type Machine struct {
	// Server and Name are the menu's fields.
	Server, Name string

	ctx     context.Context
	base    Config
	phase   Phase
	sess    *Session
	err     string
	results Results
	state   State
	start   func(context.Context, Config) *Session
}

// NewMachine returns a machine in the menu, its fields filled from base
// (base.URL and base.Name); the sessions it starts use base for the rest.
func NewMachine(ctx context.Context, base Config) *Machine {
	return &Machine{Server: base.URL, Name: base.Name, ctx: ctx, base: base, start: Start}
}

// Phase is the current screen.
func (m *Machine) Phase() Phase { return m.phase }

// Err is the reason the last attempt failed, for the menu ("" if none).
func (m *Machine) Err() string { return m.err }

// Session is the current session (nil in the menu and the results).
func (m *Machine) Session() *Session { return m.sess }

// State is the current (or last) session's state as of the last Update.
func (m *Machine) State() State { return m.state }

// Results are the last match's results (PhaseResults).
func (m *Machine) Results() Results { return m.results }

// Play joins a match with the menu's fields, from the menu or the results.
// It reports false, with Err set, when the fields are not valid.
func (m *Machine) Play() bool {
	if m.phase != PhaseMenu && m.phase != PhaseResults {
		return false
	}
	u, err := NormalizeURL(m.Server)
	if err != nil {
		m.err = err.Error()
		return false
	}
	name := strings.TrimSpace(m.Name)
	if len(name) > protocol.MaxNameLen {
		m.err = fmt.Sprintf("The name is too long (at most %d bytes).", protocol.MaxNameLen)
		return false
	}
	cfg := m.base
	cfg.URL, cfg.Name = u, name
	m.err = ""
	m.sess = m.start(m.ctx, cfg)
	m.phase = PhaseConnecting
	m.state = State{}
	return true
}

// Watch spectates the busiest match of the menu's server (AnyMatch), from
// the menu or the results. It reports false, with Err set, when the
// server field is not valid.
func (m *Machine) Watch() bool { return m.Spectate(AnyMatch) }

// Leave goes back to the menu from any phase, leaving the match.
func (m *Machine) Leave() {
	m.base.Spectate = "" // Play plays again
	if m.sess != nil {
		m.sess.Close()
		m.sess = nil
	}
	m.phase = PhaseMenu
}

// Update follows the session: it moves to the waiting screen once welcomed,
// to the match at the first snapshot, to the results at the end of the
// match and back to the menu, with Err set, when the connection fails. It
// reports whether the phase changed.
func (m *Machine) Update() bool {
	if m.sess == nil {
		return false
	}
	before := m.phase
	m.state = m.sess.State()
	switch m.state.Status {
	case StatusConnecting:
		m.phase = PhaseConnecting
	case StatusQueued, StatusJoined:
		m.phase = PhaseWaiting
	case StatusPlaying:
		m.phase = PhasePlaying
	case StatusEnded:
		// The next match goes straight to the matchmaker when this one did.
		m.base.Queue = m.state.Queued
		m.base.Spectate = "" // a link watches once: Play then plays
		m.results, _ = m.sess.Results()
		m.sess.Close()
		m.sess = nil
		m.phase = PhaseResults
	case StatusFailed, StatusClosed:
		m.err = DescribeAt(m.state.Err, m.Server)
		m.base.Spectate = ""
		m.sess.Close()
		m.sess = nil
		m.phase = PhaseMenu
	}
	return m.phase != before
}

// NormalizeURL turns what a player types as the server's address into its
// WebSocket endpoint (see clientnet.WebSocketURL), with errors worded for
// the menu.
func NormalizeURL(s string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "", errors.New("Enter the server's address, for example localhost:8080.")
	}
	u, err := clientnet.WebSocketURL(s)
	if err != nil {
		return "", fmt.Errorf("Not a server address: use host:port or a ws://, wss://, http:// or https:// URL (%w).", err)
	}
	return u, nil
}

// Results is a finished match's scoreboard.
type Results struct {
	Reason     string // why it ended, in words
	Winner     uint32
	WinnerName string
	Me         uint32
	Rows       []ResultRow // best first
}

// ResultRow is one line of Results.
type ResultRow struct {
	Rank          int
	ID            uint32
	Name          string
	Score, Deaths int32
	Me            bool
}

// MeRow returns the player's own line, or nil.
func (r *Results) MeRow() *ResultRow {
	for i := range r.Rows {
		if r.Rows[i].Me {
			return &r.Rows[i]
		}
	}
	return nil
}

func makeResults(end protocol.MatchEnd, me uint32, names map[uint32]string) Results {
	r := Results{Winner: end.Winner, Me: me, WinnerName: displayName(names, end.Winner)}
	switch end.Reason {
	case "score_limit":
		r.Reason = "Score limit reached"
	case "time_limit":
		r.Reason = "Time is up"
	default:
		r.Reason = end.Reason
	}
	for i, res := range end.Results {
		r.Rows = append(r.Rows, ResultRow{
			Rank: i + 1, ID: res.Player, Name: displayName(names, res.Player),
			Score: res.Score, Deaths: res.Deaths, Me: res.Player == me,
		})
	}
	return r
}

func displayName(names map[uint32]string, id uint32) string {
	if id == 0 {
		return ""
	}
	if n, ok := names[id]; ok && n != "" {
		return n
	}
	return fmt.Sprintf("player-%d", id)
}

// TruncateName cuts a name being typed to the protocol's limit.
func TruncateName(s string) string {
	for len(s) > protocol.MaxNameLen {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}
