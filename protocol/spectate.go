package protocol

// Spectate opens a connection that watches a running match instead of
// playing in it (version 4): it is the first message, in place of Hello.
// Token is the spectator's identity token, as Hello's Identity: servers
// that require identities refuse a Spectate without a valid one (4007);
// others ignore it.
type Spectate struct {
	Version uint32
	Match   string
	Token   string
}

// Watching accepts a Spectate: the match's rates and static description,
// like Welcome's, and the delay its snapshots run behind the match. The
// spectator has no player of its own.
type Watching struct {
	Version      uint32
	Match        string
	TickRate     uint32
	SnapshotRate uint32
	DelayMs      uint32 // how far behind the live match the snapshots are
	Kinds        []KindSchema
	Static       Static
}
