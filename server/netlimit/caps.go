package netlimit

// Defaults of the connection caps.
const (
	// DefaultMaxConnsPerIP is generous for players behind one NAT and
	// small against one machine opening connections to exhaust the
	// server's descriptors.
	DefaultMaxConnsPerIP = 64
	// fdReserve is kept out of the global cap for what is not a player
	// connection: listeners, the admin port, Redis, files, and the
	// refusals being answered.
	fdReserve = 64 + maxRefusing
)

// DefaultMaxConns is the global cap for a soft open-file limit of
// fdLimit: 80 % of it less a reserve, so that a server full of players
// still has descriptors for /healthz, Redis and its logs. 0 (no cap) when
// the limit is unknown.
func DefaultMaxConns(fdLimit uint64) int {
	if fdLimit == 0 || fdLimit > 1<<30 {
		return 0
	}
	n := int(fdLimit*8/10) - fdReserve
	return max(n, 1)
}
