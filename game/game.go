// Package game defines what a Skirmish game is: the contract between the
// rules a game developer writes and the match runtime that hosts them.
//
// A game is a deterministic world advanced one fixed step at a time by
// Step(tick, inputs). Time and randomness are inputs (the tick number and a
// seed), never the wall clock, so the same seed and inputs give a
// bit-identical world on every machine and in the browser. The runtime sees
// the world only through a view of entities made of quantized integer
// fields, which is all the wire protocol needs to diff and encode any game
// generically, and through ordered events (hits, deaths, scores).
//
// This package and its subpackages import nothing of Skirmish's, no network,
// no rendering and no time of day.
package game

// PlayerID names a player inside one match. IDs are small positive integers
// handed out by the runtime; 0 means "nobody". The entity that represents a
// player in the view has the same ID as the player.
type PlayerID uint32

// Buttons of an Input, as bit flags.
const (
	ButtonFire uint8 = 1 << 0
)

// AxisMax is the magnitude of a fully pressed move axis (Input.MoveX/MoveY).
const AxisMax = 127

// Input is one player's command. The runtime holds a player's latest input
// and passes it to every Step until a newer one arrives.
type Input struct {
	// Seq is assigned by the client, increasing by one per input sent.
	// The server reports the last Seq it applied so a client can reconcile
	// its prediction.
	Seq uint32
	// MoveX and MoveY are the movement axes in [-AxisMax, AxisMax]
	// (x to the right, y down, as on screen).
	MoveX, MoveY int8
	// Aim is the aim angle in 1/65536 of a full turn: 0 points along +x,
	// 16384 along +y (down on screen).
	Aim uint16
	// Buttons is a set of Button* flags.
	Buttons uint8
	// Rewind is how many ticks behind the step the world this player saw
	// was when it sent the input (its round trip plus its interpolation
	// delay), set by the runtime and bounded by its maximum rewind; 0: no
	// compensation. A game may test this player's shots against the
	// others where they were Rewind ticks ago (lag compensation). It is
	// part of the input, so a recording replays it exactly.
	Rewind uint16
}

// PlayerInput is the input of one player for one step.
type PlayerInput struct {
	Player PlayerID
	Input  Input
}

// MaxFields is the most quantized fields an entity can have.
const MaxFields = 8

// Entity is one object of the world as the network sees it: quantized
// integer fields whose meaning the game's Schema describes per kind.
// Only the first Schema.Kinds[Kind].Fields fields are meaningful.
type Entity struct {
	ID   uint32
	Kind uint8
	// X and Y locate the entity for interest management, in the same units
	// as the game's position fields. They are not sent unless the schema
	// also lists them as fields.
	X, Y   int32
	Fields [MaxFields]int32
}

// KindSchema names an entity kind and its fields, in wire order.
type KindSchema struct {
	Name   string
	Fields []string
}

// Schema describes the entity kinds of a game; Kinds is indexed by
// Entity.Kind.
type Schema struct {
	Kinds []KindSchema
}

// Static is a game's fixed description, sent to every client in its Welcome
// so that clients hard-code nothing about the game. Lengths and positions
// are in view units (the units of entity fields).
type Static struct {
	Bounds Rect    // the playable area
	Walls  []Rect  // solid, axis-aligned
	Params []Param // named integers, e.g. "player_radius", "bullet_radius", "muzzle_offset", in a stable order
}

// Rect is an axis-aligned rectangle from (MinX, MinY) to (MaxX, MaxY).
type Rect struct{ MinX, MinY, MaxX, MaxY int32 }

// Param is one named integer of a game's static description.
type Param struct {
	Name  string
	Value int32
}

// Param returns the value of the parameter called name, and whether s has
// one.
func (s Static) Param(name string) (int32, bool) {
	for _, p := range s.Params {
		if p.Name == name {
			return p.Value, true
		}
	}
	return 0, false
}

// EventKind tells what an Event reports. Values below 64 are reserved for
// the kinds below; games may define their own from 64 up.
type EventKind uint8

// Standard event kinds.
const (
	EventHit    EventKind = 1 // Actor hit Target for Value damage at X, Y.
	EventDeath  EventKind = 2 // Target was killed by Actor (0: the world) at X, Y.
	EventScore  EventKind = 3 // Actor's score is now Value.
	EventSpawn  EventKind = 4 // Actor (re)spawned at X, Y.
	EventCustom EventKind = 64
)

// Event is something that happened during a step that clients must learn
// reliably and in order (effects, kill feed, scores).
type Event struct {
	Kind   EventKind
	Tick   uint32
	Actor  PlayerID
	Target PlayerID
	Value  int32
	X, Y   int32
}

// Result is one player's line on the final scoreboard.
type Result struct {
	Player PlayerID
	Score  int32
	Deaths int32
}

// Outcome reports whether a match has ended, why, and its final scores.
type Outcome struct {
	Ended  bool
	Reason string // for example "score_limit" or "time_limit"
	Winner PlayerID
	// Results is ordered best first.
	Results []Result
}

// World is one match's state.
type World interface {
	// AddPlayer brings a player into the world; it fails when the world is
	// full or the ID is already present.
	AddPlayer(id PlayerID) error
	// RemovePlayer takes a player and everything it owns out of the world.
	RemovePlayer(id PlayerID)
	// Step advances the world by one fixed step. tick is the runtime's tick
	// number (strictly increasing); inputs holds the current input of each
	// player that has one, in any order.
	Step(tick uint32, inputs []PlayerInput)
	// AppendView appends every entity to dst, sorted by ID ascending.
	AppendView(dst []Entity) []Entity
	// AppendEvents appends the events of the last Step to dst, in order.
	AppendEvents(dst []Event) []Event
	// Outcome reports whether the match has ended.
	Outcome() Outcome
	// Hash digests the whole simulation state, for determinism checks.
	Hash() uint64
}

// Rules is a game: what a game developer implements to plug their own game
// into the runtime.
type Rules interface {
	// Name identifies the game, for example "arena".
	Name() string
	// TickRate is the number of Steps per second the world expects.
	TickRate() int
	// MaxPlayers is the most players one world holds.
	MaxPlayers() int
	// Schema describes the entity kinds of the view.
	Schema() Schema
	// Static describes what never changes during a match (the map, sizes),
	// for clients to draw and predict with. The caller must not modify it.
	Static() Static
	// NewWorld creates a fresh match world from a seed.
	NewWorld(seed uint64) World
}
