package main

import (
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/matchmaking"
	"github.com/skirmishgg/skirmish/server"
)

// localHostID names the match host inside `skirmish serve` in its
// matchmaker's directory.
const localHostID = "local"

// The modes `skirmish serve` offers: a 16-player free-for-all that starts
// short when a full one takes more than 5 s (even alone: players who queue
// later are backfilled in), and 1v1 duels.
var servedModes = []struct {
	config matchmaking.ModeConfig
	arena  arena.Config
}{
	{matchmaking.ModeConfig{Name: "ffa", MaxPlayers: 16, MinPlayers: 1, FullMatchWait: 5 * time.Second}, arena.Config{MaxPlayers: 16}},
	{matchmaking.ModeConfig{Name: "duel", MaxPlayers: 2}, arena.Config{MaxPlayers: 2}},
}

// newMatchmaker builds the embedded matchmaker and makes the server
// admit players by its join tokens into the arena rules of each mode.
// base, when not nil, holds arena settings every mode starts from.
func newMatchmaker(opts *server.Options, base *arena.Config, logger *slog.Logger, onAssign func(matchmaking.MatchAssignment)) (*matchmaking.Matchmaker, error) {
	var modes []matchmaking.ModeConfig
	opts.Modes = map[string]game.Rules{}
	for _, m := range servedModes {
		modes = append(modes, m.config)
		cfg := m.arena
		if base != nil {
			cfg = *base
			cfg.MaxPlayers = m.arena.MaxPlayers
		}
		opts.Modes[m.config.Name] = arena.New(&cfg)
	}
	mm, err := matchmaking.New(&matchmaking.Options{Modes: modes, OnAssign: onAssign, Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("matchmaker: %w", err)
	}
	grace := opts.ResumeGrace
	if grace < 0 {
		grace = 0
	}
	opts.Seats = matchmaking.NewSeatLedger(mm.Verifier(), &matchmaking.LedgerOptions{Grace: grace})
	return mm, nil
}

// publicURL is the host's WebSocket URL for the directory: other processes
// would dial it; players of this process get an empty one meaning "here".
func publicURL(addr net.Addr) string {
	host := addr.String()
	if tcp, ok := addr.(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		host = fmt.Sprintf("localhost:%d", tcp.Port)
	}
	return "ws://" + host + "/ws"
}

// parseView reads the -view flag: WIDTHxHEIGHT in world units, or "all".
func parseView(v string) (*server.Interest, error) {
	if v == "all" {
		return nil, nil
	}
	var w, h int32
	if _, err := fmt.Sscanf(v, "%dx%d", &w, &h); err != nil || w <= 0 || h <= 0 {
		return nil, fmt.Errorf("%q: want WIDTHxHEIGHT in world units, for example 2000x1200, or all", v)
	}
	// Entity positions are in the arena's view units.
	return &server.Interest{HalfWidth: w * arena.ViewUnitsPerUnit / 2, HalfHeight: h * arena.ViewUnitsPerUnit / 2}, nil
}
