// Package protocol is Skirmish's wire format, version 4: every WebSocket
// binary message is one msgpack array led by a message type. Snapshots carry
// quantized integer entity fields delta-encoded against what the client
// already has. docs/PROTOCOL.md is the reference for third-party clients.
//
// Encoding and decoding are hand-written over a small set of msgpack
// primitives: the hot paths (snapshot encode on the server, snapshot decode in
// clients and bots) allocate nothing in steady state, and decoders bound every
// length a peer claims before trusting it.
//
// This package imports nothing of Skirmish's, no network and no clock.
package protocol

import "fmt"

// Version is the protocol version this package speaks. Version 2 added
// Welcome's static description (a ninth element), which version 1
// decoders reject; version 3 added Bye, the server's last message;
// version 4 added identities (Hello and Queue carry the player's identity
// token, and Queue names a party by invite code instead of listing its
// members) and spectating (Spectate, Watching).
const Version = 4

// MsgType leads every message.
type MsgType uint8

// Message types. C→S: sent by clients; S→C: sent by the server.
const (
	MsgHello    MsgType = 1  // C→S [1, version, name, resume, identity]
	MsgWelcome  MsgType = 2  // S→C [2, version, player, match, tickRate, snapshotRate, resume, kinds, static]
	MsgInput    MsgType = 3  // C→S [3, seq, ack, moveX, moveY, aim, buttons(, view)]
	MsgSnapshot MsgType = 4  // S→C [4, tick, base, lastSeq, created, changed, removed]
	MsgPing     MsgType = 5  // C→S [5, clientTime]
	MsgPong     MsgType = 6  // S→C [6, clientTime, serverTick]
	MsgJoin     MsgType = 7  // S→C [7, player, name]
	MsgLeave    MsgType = 8  // S→C [8, player]
	MsgEvent    MsgType = 9  // S→C [9, tick, kind, actor, target, value, x, y]
	MsgMatchEnd MsgType = 10 // S→C [10, tick, reason, winner, results]

	// Matchmaking, on the matchmaker's WebSocket (/v1/matchmaking/ws).
	MsgQueue       MsgType = 11 // C→S [11, version, mode, skill, regions, identity, name, party]
	MsgCancel      MsgType = 12 // C→S [12]
	MsgQueueStatus MsgType = 13 // S→C [13, ticket, state, position, elapsedMs, estimatedMs]
	MsgAssigned    MsgType = 14 // S→C [14, hostURL, match, tokens]
	MsgQueueError  MsgType = 15 // S→C [15, code, message]

	// The end of a connection.
	MsgBye MsgType = 16 // S→C [16, code, reason]

	// Spectating (version 4): a connection that watches a running match.
	MsgSpectate MsgType = 17 // C→S [17, version, match, token]
	MsgWatching MsgType = 18 // S→C [18, version, match, tickRate, snapshotRate, delayMs, kinds, static]

	lastMsgType = MsgWatching
)

// Limits a decoder enforces on what a peer claims.
const (
	MaxNameLen     = 32   // bytes of a player name (UTF-8)
	MaxResumeLen   = 512  // bytes of a resume or join token
	MaxMatchLen    = 64   // bytes of a match ID
	MaxReasonLen   = 64   // bytes of a match-end reason
	MaxEntities    = 4096 // entities in one snapshot section
	MaxKinds       = 32   // entity kinds in a schema
	MaxFieldName   = 32   // bytes of a kind or field name
	MaxResults     = 256  // lines of a match-end scoreboard
	MaxFields      = 8    // fields of an entity (equals game.MaxFields)
	MaxClientFrame = 4096 // bytes of any client-to-server message (an identity token fits)
	MaxIdentityLen = 2048 // bytes of an identity token (a guest token or a JWT)
	MaxPartyCode   = 32   // bytes of a party invite code
	MaxParty       = 16   // tokens of one Assigned (a party)
	MaxRegions     = 8    // regions of one Queue
	MaxIDLen       = 64   // bytes of a player, ticket or region ID
	MaxURLLen      = 256  // bytes of a host URL
	MaxMessageLen  = 256  // bytes of a QueueError message
	MaxWalls       = 1024 // walls of a game's static description
	MaxParams      = 64   // named parameters of a game's static description
	MaxParamName   = 32   // bytes of a parameter's name
)

// Message is implemented by every message type.
type Message interface {
	// Type is the message's type tag.
	Type() MsgType
	// Append appends the message's encoding to b.
	Append(b []byte) []byte
	// Decode replaces the message with the one encoded in b, reusing its
	// slices' capacity. Errors wrap ErrMalformed (not msgpack of this
	// message's shape), ErrWrongType (another message type) or ErrLimit (a
	// length over the limits above).
	Decode(b []byte) error
}

// Hello opens a connection: the client's protocol version, display name,
// an optional resume token from a previous Welcome to take back a held
// seat, and the player's identity token (a guest token from POST
// /v1/auth/guest or the game backend's JWT; version 4 added it). The
// display name is not the identity.
type Hello struct {
	Version  uint32
	Name     string
	Resume   string
	Identity string
}

// KindSchema names an entity kind and its fields, in wire order.
type KindSchema struct {
	Name   string
	Fields []string
}

// Welcome accepts a Hello: who the client is, where, how to read
// snapshots, and the game's static description.
type Welcome struct {
	Version      uint32
	Player       uint32 // the client's player ID; its entity has the same ID
	Match        string // match ID
	TickRate     uint32 // simulation steps per second
	SnapshotRate uint32 // snapshots per second
	Resume       string // token to resume this seat after a disconnect
	Kinds        []KindSchema
	Static       Static // new in version 2
}

// Static is a game's fixed description (see game.Static): its playable
// area, its walls and named integer parameters, lengths and positions in
// view units (the units of entity fields).
type Static struct {
	Bounds Rect
	Walls  []Rect  // at most MaxWalls
	Params []Param // at most MaxParams, in the game's order
}

// Rect is an axis-aligned rectangle from (MinX, MinY) to (MaxX, MaxY).
type Rect struct{ MinX, MinY, MaxX, MaxY int32 }

// Param is one named integer of a Static; the name is at most MaxParamName
// bytes.
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

// Validate reports whether a Welcome decoder would accept s: at most
// MaxWalls walls and MaxParams parameters, names of at most MaxParamName
// bytes. A server checks its game's description once, up front.
func (s Static) Validate() error {
	if len(s.Walls) > MaxWalls {
		return fmt.Errorf("%w: %d walls, at most %d", ErrLimit, len(s.Walls), MaxWalls)
	}
	if len(s.Params) > MaxParams {
		return fmt.Errorf("%w: %d parameters, at most %d", ErrLimit, len(s.Params), MaxParams)
	}
	for _, p := range s.Params {
		if len(p.Name) > MaxParamName {
			return fmt.Errorf("%w: parameter name %q longer than %d bytes", ErrLimit, p.Name, MaxParamName)
		}
	}
	return nil
}

// Input is the client's current command. Ack is the newest snapshot tick the
// client has applied (0: none). View is the tick the client drew the other
// entities at when it sampled the input (its interpolation render time,
// rounded down; 0: not reported), which lag compensation rewinds to.
type Input struct {
	Seq     uint32
	Ack     uint32
	MoveX   int8
	MoveY   int8
	Aim     uint16
	Buttons uint8
	View    uint32
}

// Ping asks for a Pong; ClientTime is opaque to the server (clients use
// their own clock, for example microseconds).
type Ping struct {
	ClientTime uint64
}

// Pong answers a Ping with the server's current tick.
type Pong struct {
	ClientTime uint64
	ServerTick uint32
}

// Join announces a player in the match (also sent for every player already
// there right after Welcome).
type Join struct {
	Player uint32
	Name   string
}

// Leave announces that a player left the match.
type Leave struct {
	Player uint32
}

// Event is a reliable game event (see game.Event).
type Event struct {
	Tick   uint32
	Kind   uint8
	Actor  uint32
	Target uint32
	Value  int32
	X, Y   int32
}

// Result is one scoreboard line of MatchEnd: [player, score, deaths].
type Result struct {
	Player uint32
	Score  int32
	Deaths int32
}

// MatchEnd closes a match: why, who won and the final scoreboard, best first.
type MatchEnd struct {
	Tick    uint32
	Reason  string
	Winner  uint32
	Results []Result
}

// RegionRTT is a region the party could play in and the round trip
// measured to it, in milliseconds.
type RegionRTT struct {
	Region string
	RTTms  uint32
}

// Queue asks the matchmaker for a match: the mode, the party's skill
// rating, where it can play, who asks (Identity: the player's identity
// token; the ticket's player is its subject, never a field the client
// fills in), a display name, and optionally a party's invite code. The
// party's leader queues the party; its other members send the same code
// and wait on the leader's ticket. Every member's own connection gets an
// Assigned with that member's token only.
type Queue struct {
	Version  uint32
	Mode     string
	Skill    int32
	Regions  []RegionRTT
	Identity string
	Name     string
	Party    string // invite code; "" queues alone
}

// Cancel withdraws the connection's ticket.
type Cancel struct{}

// QueueStatus reports the ticket's progress: pushed after each matching
// pass while queued, and once more when its state becomes final.
type QueueStatus struct {
	Ticket      string
	State       string // queued, assigned, cancelled, timed_out, failed
	Position    uint32 // tickets of the pool ahead of this one
	ElapsedMs   uint32
	EstimatedMs uint32 // median wait of recent matches in the pool (0: unknown)
}

// Assigned tells the party where to play: connect to HostURL and send a
// Hello whose Resume is the member's token.
type Assigned struct {
	HostURL string
	Match   string
	Tokens  []MemberToken
}

// MemberToken is one party member's join token.
type MemberToken struct {
	Player string
	Token  string
}

// Bye is the server's last message on a game connection, right before its
// close frame, with the same code and reason: a client that cannot read a
// close frame's code (a browser's WebSocket through WebAssembly) learns
// why from it. Version 3 added it.
type Bye struct {
	Code   uint16
	Reason string // at most MaxCloseReason bytes
}

// QueueError refuses a Queue or Cancel, or ends a ticket: Code is a
// stable identifier (see docs/PROTOCOL.md), Message is for people. The
// connection stays open after a refusal, so the client may try again.
type QueueError struct {
	Code    string
	Message string
}
