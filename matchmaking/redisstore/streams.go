package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	mm "github.com/skirmishgg/skirmish/matchmaking"
)

// BusOptions configures an AssignmentBus. A nil *BusOptions, and every
// zero field, takes the default documented on the field.
type BusOptions struct {
	// Prefix starts every key; see StoreOptions.Prefix. Default
	// DefaultPrefix.
	Prefix string
	// MaxLen bounds each host's stream (approximately: MAXLEN ~). Default
	// 1000.
	MaxLen int64
	// IdleTTL expires a host's stream this long after its last message,
	// so that streams of hosts that are gone do not accumulate. Default
	// 1h.
	IdleTTL time.Duration
}

// AssignmentBus is a matchmaking.AssignmentBus on Redis streams: one
// stream per host (XADD, XREAD BLOCK). Message IDs are Redis stream IDs.
type AssignmentBus struct {
	c       redis.UniversalClient
	k       keys
	maxLen  int64
	idleTTL time.Duration
}

var _ mm.AssignmentBus = (*AssignmentBus)(nil)

// NewAssignmentBus returns a bus on c; opts may be nil.
func NewAssignmentBus(c redis.UniversalClient, opts *BusOptions) *AssignmentBus {
	var o BusOptions
	if opts != nil {
		o = *opts
	}
	if o.MaxLen <= 0 {
		o.MaxLen = 1000
	}
	if o.IdleTTL <= 0 {
		o.IdleTTL = time.Hour
	}
	return &AssignmentBus{c: c, k: newKeys(o.Prefix), maxLen: o.MaxLen, idleTTL: o.IdleTTL}
}

func (b *AssignmentBus) key(hostID string) string { return b.k.of("assign", hostID) }

// Publish implements matchmaking.AssignmentBus.
func (b *AssignmentBus) Publish(ctx context.Context, hostID string, a mm.MatchAssignment) error {
	if hostID == "" {
		return fmt.Errorf("%w: publish without a host ID", mm.ErrBadResult)
	}
	aj, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("redisstore: publish to %s: %w", hostID, err)
	}
	key := b.key(hostID)
	_, err = b.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.XAdd(ctx, &redis.XAddArgs{Stream: key, MaxLen: b.maxLen, Approx: true, Values: []any{"a", aj}})
		p.PExpire(ctx, key, b.idleTTL)
		return nil
	})
	if err != nil {
		return fmt.Errorf("redisstore: publish to %s: %w", hostID, ctxErr(ctx, err))
	}
	return nil
}

// validStreamID accepts "ms" or "ms-seq".
func validStreamID(id string) bool {
	ms, seq, found := strings.Cut(id, "-")
	if _, err := strconv.ParseUint(ms, 10, 64); err != nil {
		return false
	}
	if found {
		if _, err := strconv.ParseUint(seq, 10, 64); err != nil {
			return false
		}
	}
	return true
}

// Read implements matchmaking.AssignmentBus. A long block is cut into
// XREADs of at most a second, so that a cancelled context (which a socket
// read does not notice) ends the wait within a second.
func (b *AssignmentBus) Read(ctx context.Context, hostID, after string, max int, block time.Duration) ([]mm.AssignmentMessage, string, error) {
	from := after
	if from == "" {
		from = "0"
	}
	if !validStreamID(from) {
		return nil, after, fmt.Errorf("%w: cursor %q", mm.ErrBadResult, after)
	}
	if max <= 0 {
		max = 100
	}
	deadline := time.Now().Add(block)
	for {
		if err := ctx.Err(); err != nil {
			return nil, after, err
		}
		args := &redis.XReadArgs{Streams: []string{b.key(hostID), from}, Count: int64(max), Block: -1}
		if block > 0 {
			left := time.Until(deadline)
			if left <= 0 {
				return nil, after, nil
			}
			args.Block = min(left.Truncate(time.Millisecond)+time.Millisecond, time.Second)
		}
		streams, err := b.c.XRead(ctx, args).Result()
		if errors.Is(err, redis.Nil) {
			if block > 0 {
				continue
			}
			return nil, after, nil
		}
		if err != nil {
			return nil, after, fmt.Errorf("redisstore: read assignments of %s: %w", hostID, ctxErr(ctx, err))
		}
		var out []mm.AssignmentMessage
		last := after
		for _, s := range streams {
			for _, m := range s.Messages {
				// A message that does not decode (written by another
				// version, or corrupted) can never be applied: it is
				// passed over, so it cannot stop the host's feed.
				last = m.ID
				var a mm.MatchAssignment
				raw, _ := m.Values["a"].(string)
				if err := json.Unmarshal([]byte(raw), &a); err != nil {
					continue
				}
				out = append(out, mm.AssignmentMessage{ID: m.ID, Assignment: a})
			}
		}
		if len(out) == 0 {
			if last != after {
				after, from = last, last
			}
			if block > 0 {
				continue
			}
			return nil, after, nil
		}
		return out, last, nil
	}
}

// ResultsOptions configures Results. A nil *ResultsOptions, and every
// zero field, takes the default documented on the field.
type ResultsOptions struct {
	// Prefix starts every key; see StoreOptions.Prefix. Default
	// DefaultPrefix.
	Prefix string
	// MaxLen bounds the results stream (approximately: MAXLEN ~). Default
	// 10000.
	MaxLen int64
	// TTL is how long Get finds a match's result. Default 24h.
	TTL time.Duration
}

// Results are matchmaking.Results in Redis: a stream of results (Recent)
// and a key per match with a TTL (Get).
type Results struct {
	c      redis.UniversalClient
	k      keys
	maxLen int64
	ttl    time.Duration
	append *redis.Script
}

var _ mm.Results = (*Results)(nil)

// NewResults returns results on c; opts may be nil.
func NewResults(c redis.UniversalClient, opts *ResultsOptions) *Results {
	var o ResultsOptions
	if opts != nil {
		o = *opts
	}
	if o.MaxLen <= 0 {
		o.MaxLen = 10000
	}
	if o.TTL <= 0 {
		o.TTL = 24 * time.Hour
	}
	return &Results{c: c, k: newKeys(o.Prefix), maxLen: o.MaxLen, ttl: o.TTL, append: redis.NewScript(appendLua)}
}

// appendLua records a result once. Race-free: the script runs alone, so
// of two hosts (or retries) appending the same match, the second finds
// the first's key and writes nothing, to the key or to the stream.
//
// KEYS: result, results stream. ARGV: result JSON, TTL in ms, stream
// MAXLEN, match ID.
const appendLua = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'match', ARGV[4], 'r', ARGV[1])
return 1
`

// Append implements matchmaking.Results.
func (r *Results) Append(ctx context.Context, res mm.MatchResult) error {
	if res.MatchID == "" {
		return fmt.Errorf("%w: a result needs a match ID", mm.ErrBadResult)
	}
	rj, err := json.Marshal(res)
	if err != nil {
		return fmt.Errorf("redisstore: append result %s: %w", res.MatchID, err)
	}
	n, err := r.append.Run(ctx, r.c, []string{r.k.of("result", res.MatchID), r.k.of("results")},
		rj, r.ttl.Milliseconds(), r.maxLen, res.MatchID).Int()
	if err != nil {
		return fmt.Errorf("redisstore: append result %s: %w", res.MatchID, ctxErr(ctx, err))
	}
	if n == 0 {
		return fmt.Errorf("%w: %s", mm.ErrDuplicateResult, res.MatchID)
	}
	return nil
}

// Get implements matchmaking.Results.
func (r *Results) Get(ctx context.Context, matchID string) (mm.MatchResult, error) {
	raw, err := r.c.Get(ctx, r.k.of("result", matchID)).Result()
	if errors.Is(err, redis.Nil) {
		return mm.MatchResult{}, fmt.Errorf("%w: %s", mm.ErrResultNotFound, matchID)
	}
	if err != nil {
		return mm.MatchResult{}, fmt.Errorf("redisstore: get result %s: %w", matchID, ctxErr(ctx, err))
	}
	var res mm.MatchResult
	if err := json.Unmarshal([]byte(raw), &res); err != nil {
		return mm.MatchResult{}, fmt.Errorf("redisstore: result %s: %w", matchID, err)
	}
	return res, nil
}

// Recent implements matchmaking.Results: XREVRANGE.
func (r *Results) Recent(ctx context.Context, max int) ([]mm.MatchResult, error) {
	if max <= 0 {
		return nil, nil
	}
	msgs, err := r.c.XRevRangeN(ctx, r.k.of("results"), "+", "-", int64(max)).Result()
	if err != nil {
		return nil, fmt.Errorf("redisstore: recent results: %w", ctxErr(ctx, err))
	}
	out := make([]mm.MatchResult, 0, len(msgs))
	for _, m := range msgs {
		var res mm.MatchResult
		raw, _ := m.Values["r"].(string)
		if err := json.Unmarshal([]byte(raw), &res); err != nil {
			return nil, fmt.Errorf("redisstore: result %s: %w", m.ID, err)
		}
		out = append(out, res)
	}
	return out, nil
}
