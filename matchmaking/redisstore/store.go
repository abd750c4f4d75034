package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	mm "github.com/skirmishgg/skirmish/matchmaking"
)

// StoreOptions configures a Store. A nil *StoreOptions, and every zero
// field, takes the default documented on the field.
type StoreOptions struct {
	// Prefix starts every key (inside a hash tag: "{prefix}:"), so that
	// deployments and tests can share a Redis. Default DefaultPrefix.
	Prefix string
	// FinalTTL is a safety net: a final record's key expires this long
	// after it finished even if no matchmaker prunes it. Keep it longer
	// than the matchmaker's Retention. Default 24h.
	FinalTTL time.Duration
	// PruneBatch is how many records one Prune script deletes; Prune runs
	// as many as it needs, so that no script blocks Redis for long.
	// Default 1000.
	PruneBatch int
}

// Store is a matchmaking.Store in Redis. It is safe for concurrent use by
// any number of processes sharing the Redis and the prefix.
type Store struct {
	c          redis.UniversalClient
	k          keys
	finalTTL   time.Duration
	pruneBatch int

	add, finish, prune, trim *redis.Script
}

var _ mm.Store = (*Store)(nil)

// NewStore returns a Store on c; opts may be nil. Make c with Open, or
// set its timeouts and ContextTimeoutEnabled yourself.
func NewStore(c redis.UniversalClient, opts *StoreOptions) *Store {
	var o StoreOptions
	if opts != nil {
		o = *opts
	}
	if o.FinalTTL <= 0 {
		o.FinalTTL = 24 * time.Hour
	}
	if o.PruneBatch <= 0 {
		o.PruneBatch = 1000
	}
	return &Store{
		c: c, k: newKeys(o.Prefix), finalTTL: o.FinalTTL, pruneBatch: o.PruneBatch,
		add: redis.NewScript(addLua), finish: redis.NewScript(finishLua), prune: redis.NewScript(pruneLua), trim: redis.NewScript(trimLua),
	}
}

func (s *Store) ticketKey(id mm.TicketID) string { return s.k.of("t", string(id)) }
func (s *Store) queueKey(mode string) string     { return s.k.of("q", mode) }
func (s *Store) queueTickets(mode string) string { return s.k.of("qt", mode) }
func (s *Store) playersKey() string              { return s.k.of("players") }
func (s *Store) countTickets() string            { return s.k.of("count", "tickets") }
func (s *Store) countPlayers() string            { return s.k.of("count", "players") }
func (s *Store) doneKey() string                 { return s.k.of("done") }

// addLua queues a ticket. Race-free: Redis runs the script alone, so
// the checks (the ID is unknown, no player is in a queued ticket) and the
// writes (record, queue, player index, counts) are one step; of two
// matchmakers adding tickets with the same player, the second script
// runs after the first and sees its player entry.
//
// KEYS: ticket, players, queue, queue tickets, count tickets, count
// players. ARGV: id, mode, queue member, ticket JSON, player count,
// player IDs...
const addLua = `
if redis.call('EXISTS', KEYS[1]) == 1 then return {'dup'} end
for i = 6, #ARGV do
  local other = redis.call('HGET', KEYS[2], ARGV[i])
  if other then return {'player', ARGV[i], other} end
end
redis.call('HSET', KEYS[1], 'state', 'queued', 'mode', ARGV[2], 'm', ARGV[3], 'ticket', ARGV[4], 'n', ARGV[5])
for i = 6, #ARGV do redis.call('HSET', KEYS[2], ARGV[i], ARGV[1]) end
redis.call('ZADD', KEYS[3], 0, ARGV[3])
redis.call('HSET', KEYS[4], ARGV[1], ARGV[4])
redis.call('HINCRBY', KEYS[5], ARGV[2], 1)
redis.call('HINCRBY', KEYS[6], ARGV[2], ARGV[5])
return {'ok'}
`

// Add implements matchmaking.Store.
func (s *Store) Add(ctx context.Context, t mm.Ticket) error {
	tj, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("redisstore: add %s: %w", t.ID, err)
	}
	member := timeKey(t.CreatedAt) + "|" + string(t.ID)
	args := make([]any, 0, 5+len(t.Players))
	args = append(args, string(t.ID), t.Mode, member, tj, len(t.Players))
	for _, p := range t.Players {
		args = append(args, p.ID)
	}
	res, err := s.add.Run(ctx, s.c, []string{
		s.ticketKey(t.ID), s.playersKey(), s.queueKey(t.Mode), s.queueTickets(t.Mode), s.countTickets(), s.countPlayers(),
	}, args...).StringSlice()
	if err != nil {
		return fmt.Errorf("redisstore: add %s: %w", t.ID, ctxErr(ctx, err))
	}
	switch res[0] {
	case "ok":
		return nil
	case "dup":
		return fmt.Errorf("%w: %s", mm.ErrDuplicateTicket, t.ID)
	case "player":
		return fmt.Errorf("%w: player %q is in queued ticket %s", mm.ErrPlayerQueued, res[1], res[2])
	}
	return fmt.Errorf("redisstore: add %s: unexpected answer %q", t.ID, res)
}

// finFields are the fields Finish sets, stored apart from the ticket.
type finFields struct {
	Reason     string         `json:"reason,omitempty"`
	Assignment *mm.Assignment `json:"assignment,omitempty"`
	FinishedAt time.Time      `json:"finished_at"`
}

// Get implements matchmaking.Store.
func (s *Store) Get(ctx context.Context, id mm.TicketID) (mm.Record, error) {
	vals, err := s.c.HMGet(ctx, s.ticketKey(id), "ticket", "state", "fin").Result()
	if err != nil {
		return mm.Record{}, fmt.Errorf("redisstore: get %s: %w", id, ctxErr(ctx, err))
	}
	tj, _ := vals[0].(string)
	if tj == "" {
		return mm.Record{}, fmt.Errorf("%w: %s", mm.ErrTicketNotFound, id)
	}
	var rec mm.Record
	if err := json.Unmarshal([]byte(tj), &rec.Ticket); err != nil {
		return mm.Record{}, fmt.Errorf("redisstore: get %s: ticket: %w", id, err)
	}
	st, _ := vals[1].(string)
	rec.State = mm.TicketState(st)
	if fj, _ := vals[2].(string); fj != "" {
		var f finFields
		if err := json.Unmarshal([]byte(fj), &f); err != nil {
			return mm.Record{}, fmt.Errorf("redisstore: get %s: final fields: %w", id, err)
		}
		rec.Reason, rec.Assignment, rec.FinishedAt = f.Reason, f.Assignment, f.FinishedAt
	}
	return rec, nil
}

// Queued implements matchmaking.Store: the queue's order and the queued
// tickets are read in one MULTI, so they agree.
func (s *Store) Queued(ctx context.Context, mode string) ([]mm.Ticket, error) {
	var order *redis.StringSliceCmd
	var byID *redis.MapStringStringCmd
	_, err := s.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		order = p.ZRange(ctx, s.queueKey(mode), 0, -1)
		byID = p.HGetAll(ctx, s.queueTickets(mode))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("redisstore: queued %s: %w", mode, ctxErr(ctx, err))
	}
	members, tickets := order.Val(), byID.Val()
	out := make([]mm.Ticket, 0, len(members))
	for _, m := range members {
		id := m[min(timeKeyLen, len(m)):]
		tj, ok := tickets[id]
		if !ok {
			return nil, fmt.Errorf("redisstore: queued %s: ticket %s is in the queue but has no data", mode, id)
		}
		var t mm.Ticket
		if err := json.Unmarshal([]byte(tj), &t); err != nil {
			return nil, fmt.Errorf("redisstore: queued %s: ticket %s: %w", mode, id, err)
		}
		out = append(out, t)
	}
	return out, nil
}

// Position implements matchmaking.Store: ZRANK, O(log n).
func (s *Store) Position(ctx context.Context, id mm.TicketID) (int, error) {
	vals, err := s.c.HMGet(ctx, s.ticketKey(id), "state", "mode", "m").Result()
	if err != nil {
		return 0, fmt.Errorf("redisstore: position %s: %w", id, ctxErr(ctx, err))
	}
	st, _ := vals[0].(string)
	mode, _ := vals[1].(string)
	member, _ := vals[2].(string)
	switch {
	case st == "":
		return 0, fmt.Errorf("%w: %s", mm.ErrTicketNotFound, id)
	case st != string(mm.StateQueued):
		return 0, fmt.Errorf("%w: %s is %s", mm.ErrNotQueued, id, st)
	}
	rank, err := s.c.ZRank(ctx, s.queueKey(mode), member).Result()
	if errors.Is(err, redis.Nil) { // finished since the HMGET
		return 0, fmt.Errorf("%w: %s", mm.ErrNotQueued, id)
	}
	if err != nil {
		return 0, fmt.Errorf("redisstore: position %s: %w", id, ctxErr(ctx, err))
	}
	return int(rank), nil
}

// finishLua is Finish's compare-and-set from queued. Race-free: Redis
// runs the script alone, and it checks every ticket (known, queued, its
// ticket data readable) before it writes anything, so either all the
// tickets move to their final records or none does. Of two matchmakers
// (or a pass and a Cancel) finishing the same ticket, the second script
// runs after the first and finds the ticket no longer queued.
//
// KEYS: players, count tickets, count players, done. ARGV: key prefix,
// final TTL in ms, then per record: id, state, final fields JSON, done
// member.
const finishLua = `
local p, ttl = ARGV[1], tonumber(ARGV[2])
local n = (#ARGV - 2) / 4
local recs = {}
for i = 0, n - 1 do
  local id = ARGV[3 + 4 * i]
  local k = p .. 't:' .. id
  local f = redis.call('HMGET', k, 'state', 'mode', 'm', 'ticket', 'n')
  if not f[1] then return {'missing', id} end
  if f[1] ~= 'queued' then return {'notqueued', id, f[1]} end
  local players = {}
  local t = cjson.decode(f[4])
  if type(t.players) == 'table' then
    for _, pl in ipairs(t.players) do players[#players + 1] = pl.id end
  end
  recs[i + 1] = {k = k, id = id, mode = f[2], m = f[3], n = tonumber(f[5]), players = players,
    state = ARGV[4 + 4 * i], fin = ARGV[5 + 4 * i], dm = ARGV[6 + 4 * i]}
end
for _, r in ipairs(recs) do
  redis.call('ZREM', p .. 'q:' .. r.mode, r.m)
  redis.call('HDEL', p .. 'qt:' .. r.mode, r.id)
  for _, pid in ipairs(r.players) do
    if redis.call('HGET', KEYS[1], pid) == r.id then redis.call('HDEL', KEYS[1], pid) end
  end
  redis.call('HINCRBY', KEYS[2], r.mode, -1)
  redis.call('HINCRBY', KEYS[3], r.mode, -r.n)
  redis.call('HSET', r.k, 'state', r.state, 'fin', r.fin, 'dm', r.dm)
  redis.call('ZADD', KEYS[4], 0, r.dm)
  if ttl > 0 then redis.call('PEXPIRE', r.k, ttl) end
end
return {'ok'}
`

// Finish implements matchmaking.Store.
func (s *Store) Finish(ctx context.Context, recs []mm.Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(recs) == 0 {
		return nil
	}
	args := make([]any, 0, 2+4*len(recs))
	args = append(args, string(s.k), s.finalTTL.Milliseconds())
	for i, f := range recs {
		if !f.State.Final() {
			return fmt.Errorf("matchmaking: finish %s with state %q", f.Ticket.ID, f.State)
		}
		if slices.ContainsFunc(recs[:i], func(g mm.Record) bool { return g.Ticket.ID == f.Ticket.ID }) {
			return fmt.Errorf("matchmaking: finish lists %s twice", f.Ticket.ID)
		}
		fj, err := json.Marshal(finFields{Reason: f.Reason, Assignment: f.Assignment, FinishedAt: f.FinishedAt})
		if err != nil {
			return fmt.Errorf("redisstore: finish %s: %w", f.Ticket.ID, err)
		}
		args = append(args, string(f.Ticket.ID), string(f.State), fj, timeKey(f.FinishedAt)+"|"+string(f.Ticket.ID))
	}
	res, err := s.finish.Run(ctx, s.c, []string{s.playersKey(), s.countTickets(), s.countPlayers(), s.doneKey()}, args...).StringSlice()
	if err != nil {
		return fmt.Errorf("redisstore: finish: %w", ctxErr(ctx, err))
	}
	switch res[0] {
	case "ok":
		return nil
	case "missing":
		return fmt.Errorf("%w: %s", mm.ErrTicketNotFound, res[1])
	case "notqueued":
		return fmt.Errorf("%w: %s is %s", mm.ErrNotQueued, res[1], res[2])
	}
	return fmt.Errorf("redisstore: finish: unexpected answer %q", res)
}

// Counts implements matchmaking.Store.
func (s *Store) Counts(ctx context.Context) (map[string]mm.PoolCount, error) {
	var tc, pc *redis.MapStringStringCmd
	_, err := s.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		tc = p.HGetAll(ctx, s.countTickets())
		pc = p.HGetAll(ctx, s.countPlayers())
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("redisstore: counts: %w", ctxErr(ctx, err))
	}
	out := make(map[string]mm.PoolCount, len(tc.Val()))
	for mode, v := range tc.Val() {
		c := out[mode]
		c.Tickets, _ = strconv.Atoi(v)
		out[mode] = c
	}
	for mode, v := range pc.Val() {
		c := out[mode]
		c.Players, _ = strconv.Atoi(v)
		out[mode] = c
	}
	return out, nil
}

// pruneLua deletes up to a batch of final records that finished before
// the cutoff. Race-free: it deletes a record only while it is final and
// still carries the done member being pruned, so a ticket ID used again
// (after its old record expired) is never touched.
//
// KEYS: done. ARGV: key prefix, exclusive lex bound "(<time key>", batch.
const pruneLua = `
local ms = redis.call('ZRANGEBYLEX', KEYS[1], '-', ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
for _, m in ipairs(ms) do
  local k = ARGV[1] .. 't:' .. string.sub(m, 22)
  local f = redis.call('HMGET', k, 'state', 'dm')
  if f[1] and f[1] ~= 'queued' and f[2] == m then redis.call('DEL', k) end
  redis.call('ZREM', KEYS[1], m)
end
return #ms
`

// Prune implements matchmaking.Store.
func (s *Store) Prune(ctx context.Context, before time.Time) (int, error) {
	total := 0
	for {
		n, err := s.prune.Run(ctx, s.c, []string{s.doneKey()}, string(s.k), "("+timeKey(before), s.pruneBatch).Int()
		if err != nil {
			return total, fmt.Errorf("redisstore: prune: %w", ctxErr(ctx, err))
		}
		total += n
		if n < s.pruneBatch {
			return total, nil
		}
	}
}

// trimLua deletes up to a batch of the oldest final records past the
// newest keep, as pruneLua does (the done set orders them by finish time).
//
// KEYS: done. ARGV: key prefix, keep, batch.
const trimLua = `
local n = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[2])
if n <= 0 then return 0 end
if n > tonumber(ARGV[3]) then n = tonumber(ARGV[3]) end
local ms = redis.call('ZRANGE', KEYS[1], 0, n - 1)
for _, m in ipairs(ms) do
  local k = ARGV[1] .. 't:' .. string.sub(m, 22)
  local f = redis.call('HMGET', k, 'state', 'dm')
  if f[1] and f[1] ~= 'queued' and f[2] == m then redis.call('DEL', k) end
  redis.call('ZREM', KEYS[1], m)
end
return #ms
`

// Trim implements matchmaking.Store.
func (s *Store) Trim(ctx context.Context, keep int) (int, error) {
	total := 0
	for {
		n, err := s.trim.Run(ctx, s.c, []string{s.doneKey()}, string(s.k), max(keep, 0), s.pruneBatch).Int()
		if err != nil {
			return total, fmt.Errorf("redisstore: trim: %w", ctxErr(ctx, err))
		}
		total += n
		if n < s.pruneBatch {
			return total, nil
		}
	}
}
