package bot

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/skirmishgg/skirmish/client/clientnet"
	"github.com/skirmishgg/skirmish/protocol"
)

// Defaults of Options.
const (
	DefaultInputRate = 30
	DefaultName      = "bot"
)

// Options configures Run. A nil *Options is not valid (URL is required);
// every zero field takes the default documented on it.
type Options struct {
	// URL is the server's WebSocket endpoint, for example
	// ws://localhost:8080/ws (http and https URLs work too). Required.
	URL string

	// Bots is how many bots play at once. Default 1.
	Bots int

	// Duration is how long the bots play once every one has started (after
	// Ramp): the run lasts Ramp+Duration. Default 0: until ctx is done.
	Duration time.Duration

	// Seed seeds the bots' random generators; bot i uses Seed+i, so runs
	// with the same seed make the same choices. Default 0 (a valid seed).
	Seed uint64

	// InputRate is how many inputs a second each bot sends. Default 30.
	// Servers close clients that send too fast (the reference server
	// allows 120 messages a second).
	InputRate int

	// Ramp spreads the bots' first connections evenly over this long, so
	// bot i first dials at i·Ramp/Bots. Default 0: all at once.
	Ramp time.Duration

	// Name prefixes the bots' display names: bot i is Name-(i+1), cut to
	// protocol.MaxNameLen bytes. Default "bot".
	Name string

	// Mode, when set, makes every bot queue through the matchmaker for a
	// match of this mode before it plays, and again after each match; a
	// dropped bot resumes its seat with its join token. Default "": bots
	// join the server directly.
	Mode string

	// QueueURL is the matchmaker's queue endpoint. Default: derived from
	// URL (…/ws → …/v1/matchmaking/ws), the embedded matchmaker.
	QueueURL string

	// Churn, when set, ends each connection of a bot after a random time
	// around Churn (±50%), in one of two ways picked at random: the bot
	// leaves (a close 1000) and joins again, through the queue in Mode;
	// or its connection drops (no close frame) and it resumes its held
	// seat with its token. Soak tests use it to exercise every way in
	// and out of a match. Default 0: bots stay until the match ends.
	Churn time.Duration

	// Skill is the rating the bots queue with. Default 1500.
	Skill int32

	// HandshakeTimeout bounds each connection's handshake. Default 5s.
	HandshakeTimeout time.Duration

	// Logger receives structured logs: the run at Info, connection
	// problems at Warn, each bot's matches and reconnects at Debug.
	// Default slog.Default().
	Logger *slog.Logger
}

// resolve validates o and fills in the defaults.
func (o *Options) resolve() (Options, error) {
	if o == nil {
		return Options{}, errors.New("bot: no options: a URL is required")
	}
	c := *o
	if c.URL == "" {
		return c, errors.New("bot: no URL")
	}
	u, err := url.Parse(c.URL)
	if err != nil {
		return c, fmt.Errorf("bot: bad URL: %w", err)
	}
	switch u.Scheme {
	case "ws", "wss", "http", "https":
	default:
		return c, fmt.Errorf("bot: URL %q: scheme must be ws, wss, http or https", c.URL)
	}
	if c.Bots < 0 || c.InputRate < 0 || c.Duration < 0 || c.Ramp < 0 || c.HandshakeTimeout < 0 || c.Churn < 0 {
		return c, errors.New("bot: Bots, InputRate, Duration, Ramp, Churn and HandshakeTimeout must not be negative")
	}
	if c.Bots == 0 {
		c.Bots = 1
	}
	if c.InputRate == 0 {
		c.InputRate = DefaultInputRate
	}
	if c.Name == "" {
		c.Name = DefaultName
	}
	if c.Mode != "" && c.QueueURL == "" {
		if c.QueueURL, err = clientnet.QueueURL(c.URL); err != nil {
			return c, fmt.Errorf("bot: %w", err)
		}
	}
	if c.Skill == 0 {
		c.Skill = 1500
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c, nil
}

// botName is the display name of bot i (from 0): prefix-(i+1), the prefix
// cut so the whole fits a Hello.
func botName(prefix string, i int) string {
	suffix := "-" + strconv.Itoa(i+1)
	if room := protocol.MaxNameLen - len(suffix); len(prefix) > room {
		prefix = prefix[:max(room, 0)]
		for !utf8.ValidString(prefix) {
			prefix = prefix[:len(prefix)-1]
		}
	}
	return prefix + suffix
}
