// Package redisstore keeps the matchmaking state in Redis so that several
// `skirmish matchmaker` processes and many `skirmish host` processes can
// share it: a matchmaking.Store (tickets, the queue per mode, final
// records), a matchmaking.Directory (hosts with heartbeats and TTL, seat
// reservations, backfill slots), matchmaking.Leases (which matchmaker
// passes which pool), a matchmaking.AssignmentBus (a stream per host) and
// matchmaking.Results (a results stream and a record per match). It uses
// github.com/redis/go-redis/v9; every type takes a redis.UniversalClient,
// and Open makes one with short timeouts.
//
// Every change that reads and writes several keys is atomic in Redis:
// Store.Add, Store.Finish, Store.Prune, Leases and Results.Append are Lua
// scripts (Redis runs a script alone: no other client's command runs
// between its reads and its writes), and the Directory's seat accounting
// is an optimistic WATCH/MULTI transaction on the host's keys, retried
// when another client wrote one of them in between. Each function says why it
// is race-free with several matchmakers.
//
// # Keys
//
// Every key starts with "{prefix}:" (Options.Prefix, default "skirmish").
// The braces are a Redis Cluster hash tag: all keys of one prefix live in
// one slot, so the scripts and transactions that touch several of them
// also work on a cluster (on one shard).
//
//	{p}:t:<ticket>         hash   a ticket's record: state, mode, ticket (JSON),
//	                              n (players), m (queue member), fin (final
//	                              fields, JSON), dm (prune member); expires
//	                              StoreOptions.FinalTTL after it finishes
//	{p}:q:<mode>           zset   the queue: members "<created>|<ticket>", all
//	                              scores 0, so ZRANK orders by creation time then
//	                              ID (<created> is 20 fixed-width digits)
//	{p}:qt:<mode>          hash   ticket ID -> ticket JSON of the queued tickets
//	{p}:players            hash   player ID -> ticket ID, players of queued tickets
//	{p}:count:tickets      hash   mode -> queued tickets
//	{p}:count:players      hash   mode -> queued players
//	{p}:done               zset   "<finished>|<ticket>", scores 0: Prune's order
//	{p}:hosts              set    host IDs (expired hosts are dropped lazily)
//	{p}:h:<host>           string the host's report and LastSeen (JSON)
//	{p}:ha:<host>          hash   new-match reservations: "a|<seats>|<expiry
//	                              ns>|<match>" -> reservation JSON, and "sum",
//	                              their seats (lapsed ones leave on the next write)
//	{p}:hz:<host>          zset   the same fields, score their expiry in ms: how
//	                              lapsed reservations are found without a scan
//	{p}:hb:<host>          hash   backfill reservations: "<match>|<nonce>" -> JSON
//	{p}:hg:<host>          hash   match ID -> the region it was allocated in
//	                              (a host's five keys expire 2×TTL+30s after its
//	                              last write when it has a TTL)
//	{p}:lease:<pool>       string the holder of the pool's lease, PX the lease TTL
//	{p}:assign:<host>      stream assignments for a host (field "a", JSON),
//	                              MAXLEN ~ BusOptions.MaxLen, expires when idle
//	{p}:results            stream results (fields "match", "r" JSON),
//	                              MAXLEN ~ ResultsOptions.MaxLen
//	{p}:result:<match>     string a match's result (JSON), PX ResultsOptions.TTL
//
// # Time
//
// Host liveness and reservations follow the Directory's injected clock
// (Clock, time.Now by default), exactly like MemoryDirectory; the real
// key expiries above are only a safety net so that dead hosts and
// forgotten records do not accumulate. Lease TTLs are real time, kept by
// Redis (PX): a lease measures whether a process is alive.
//
// # Failures
//
// With the client from Open, a call while Redis is down fails within
// about a second (dial, read and write timeouts of 1 s, no retries) and
// the context's deadline is honoured. Writes are never retried by the
// client: a replayed Finish would report its own commit as ErrNotQueued.
package redisstore
