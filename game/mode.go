package game

// Mode is one way to play a game that players queue for: a name, the rules
// its matches play (whose MaxPlayers is a full match), and when a match may
// start short. A game offers its modes; the matchmaker and the host serve
// them.
type Mode struct {
	Name  string
	Rules Rules
	// MinPlayers is the fewest players a match may start with once
	// StartShortAfterSeconds have passed without a full one; 0 or
	// MaxPlayers: only full matches. Players who queue later are
	// backfilled in.
	MinPlayers int
	// StartShortAfterSeconds is how long a queued player waits for a full
	// match before a short one starts.
	StartShortAfterSeconds int
}
