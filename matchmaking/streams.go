package matchmaking

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// AssignmentBus carries committed matches and backfills to the hosts that
// run them: one ordered stream per host. The matchmaker publishes (see
// Options.Assignments); each host reads its own stream from the last
// message it handled. Streams are bounded: a host that falls far behind
// loses the oldest messages (their tokens will have expired anyway).
// Implementations must be safe for concurrent use.
type AssignmentBus interface {
	// Publish appends an assignment to the host's stream.
	Publish(ctx context.Context, hostID string, a MatchAssignment) error

	// Read returns up to max messages of the host's stream that come after
	// the message ID after ("" reads from the oldest message kept), oldest
	// first, and the cursor to pass next time: the last message's ID, or
	// after when there is none. With block > 0 it waits up to block for a
	// first message; with block <= 0 it returns at once. An ended ctx
	// ends the wait with its error.
	Read(ctx context.Context, hostID, after string, max int, block time.Duration) ([]AssignmentMessage, string, error)
}

// AssignmentMessage is one message of a host's assignment stream.
type AssignmentMessage struct {
	// ID orders the messages of one stream; pass the last one handled to
	// Read as after.
	ID         string          `json:"id"`
	Assignment MatchAssignment `json:"assignment"`
}

// Results records how matches ended: hosts append, operators and the
// backend read. A result is recorded once per match ID. Implementations
// keep a bounded history and must be safe for concurrent use.
type Results interface {
	// Append records a result; ErrDuplicateResult when its match ID is
	// already recorded, ErrBadResult without a match ID.
	Append(ctx context.Context, r MatchResult) error

	// Get returns the result of a match; ErrResultNotFound.
	Get(ctx context.Context, matchID string) (MatchResult, error)

	// Recent returns up to max results, newest first.
	Recent(ctx context.Context, max int) ([]MatchResult, error)
}

// MatchResult is how one match ended.
type MatchResult struct {
	MatchID string `json:"match_id"`
	Mode    string `json:"mode"`
	HostID  string `json:"host_id"`
	// Reason is why it ended, for example "score_limit" or "time_limit".
	Reason string `json:"reason"`
	// Winner is the winning player's ID (the matchmaker's player ID);
	// empty when nobody won.
	Winner string `json:"winner,omitempty"`
	// Scoreboard is the final scores, best first.
	Scoreboard []PlayerScore `json:"scoreboard"`
	StartedAt  time.Time     `json:"started_at"`
	EndedAt    time.Time     `json:"ended_at"`
	Duration   time.Duration `json:"duration_ns"`
}

// PlayerScore is one player's line on a final scoreboard.
type PlayerScore struct {
	PlayerID string `json:"player_id"`
	Score    int    `json:"score"`
	Deaths   int    `json:"deaths"`
}

// DefaultStreamLen bounds the memory streams when no length is given.
const DefaultStreamLen = 1000

// MemoryAssignmentBus is the in-process AssignmentBus. Message IDs are
// decimal sequence numbers, increasing per host.
type MemoryAssignmentBus struct {
	maxLen int
	mu     sync.Mutex
	hosts  map[string]*memStream
}

type memStream struct {
	msgs    []AssignmentMessage
	seqs    []uint64
	next    uint64
	publish chan struct{} // closed and replaced on every publish
}

// NewMemoryAssignmentBus keeps the newest maxLen messages per host (0:
// DefaultStreamLen).
func NewMemoryAssignmentBus(maxLen int) *MemoryAssignmentBus {
	if maxLen <= 0 {
		maxLen = DefaultStreamLen
	}
	return &MemoryAssignmentBus{maxLen: maxLen, hosts: make(map[string]*memStream)}
}

var _ AssignmentBus = (*MemoryAssignmentBus)(nil)

func (b *MemoryAssignmentBus) stream(hostID string) *memStream {
	s := b.hosts[hostID]
	if s == nil {
		s = &memStream{next: 1, publish: make(chan struct{})}
		b.hosts[hostID] = s
	}
	return s
}

// Publish implements AssignmentBus.
func (b *MemoryAssignmentBus) Publish(ctx context.Context, hostID string, a MatchAssignment) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if hostID == "" {
		return fmt.Errorf("%w: publish without a host ID", ErrBadResult)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.stream(hostID)
	seq := s.next
	s.next++
	s.msgs = append(s.msgs, AssignmentMessage{ID: strconv.FormatUint(seq, 10), Assignment: a})
	s.seqs = append(s.seqs, seq)
	if n := len(s.msgs) - b.maxLen; n > 0 {
		s.msgs = append(s.msgs[:0:0], s.msgs[n:]...)
		s.seqs = append(s.seqs[:0:0], s.seqs[n:]...)
	}
	close(s.publish)
	s.publish = make(chan struct{})
	return nil
}

// Read implements AssignmentBus.
func (b *MemoryAssignmentBus) Read(ctx context.Context, hostID, after string, max int, block time.Duration) ([]AssignmentMessage, string, error) {
	var from uint64
	if after != "" {
		n, err := strconv.ParseUint(after, 10, 64)
		if err != nil {
			return nil, after, fmt.Errorf("%w: cursor %q", ErrBadResult, after)
		}
		from = n
	}
	if max <= 0 {
		max = 100
	}
	var timer <-chan time.Time
	if block > 0 {
		t := time.NewTimer(block)
		defer t.Stop()
		timer = t.C
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, after, err
		}
		b.mu.Lock()
		s := b.stream(hostID)
		var out []AssignmentMessage
		for i, seq := range s.seqs {
			if seq > from {
				out = append(out, s.msgs[i:min(i+max, len(s.msgs))]...)
				break
			}
		}
		wait := s.publish
		b.mu.Unlock()
		if len(out) > 0 {
			return out, out[len(out)-1].ID, nil
		}
		if timer == nil {
			return nil, after, nil
		}
		select {
		case <-wait:
		case <-timer:
			return nil, after, nil
		case <-ctx.Done():
			return nil, after, ctx.Err()
		}
	}
}

// MemoryResults is the in-process Results: the newest maxLen results.
type MemoryResults struct {
	maxLen int
	mu     sync.Mutex
	byID   map[string]MatchResult
	order  []string // match IDs, oldest first
}

// NewMemoryResults keeps the newest maxLen results (0: DefaultStreamLen).
func NewMemoryResults(maxLen int) *MemoryResults {
	if maxLen <= 0 {
		maxLen = DefaultStreamLen
	}
	return &MemoryResults{maxLen: maxLen, byID: make(map[string]MatchResult)}
}

var _ Results = (*MemoryResults)(nil)

// Append implements Results.
func (r *MemoryResults) Append(ctx context.Context, res MatchResult) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if res.MatchID == "" {
		return fmt.Errorf("%w: a result needs a match ID", ErrBadResult)
	}
	res.Scoreboard = append([]PlayerScore(nil), res.Scoreboard...)
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.byID[res.MatchID]; ok {
		return fmt.Errorf("%w: %s", ErrDuplicateResult, res.MatchID)
	}
	r.byID[res.MatchID] = res
	r.order = append(r.order, res.MatchID)
	if n := len(r.order) - r.maxLen; n > 0 {
		for _, id := range r.order[:n] {
			delete(r.byID, id)
		}
		r.order = append(r.order[:0:0], r.order[n:]...)
	}
	return nil
}

// Get implements Results.
func (r *MemoryResults) Get(ctx context.Context, matchID string) (MatchResult, error) {
	if err := ctx.Err(); err != nil {
		return MatchResult{}, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	res, ok := r.byID[matchID]
	if !ok {
		return MatchResult{}, fmt.Errorf("%w: %s", ErrResultNotFound, matchID)
	}
	res.Scoreboard = append([]PlayerScore(nil), res.Scoreboard...)
	return res, nil
}

// Recent implements Results.
func (r *MemoryResults) Recent(ctx context.Context, max int) ([]MatchResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []MatchResult
	for i := len(r.order) - 1; i >= 0 && len(out) < max; i-- {
		res := r.byID[r.order[i]]
		res.Scoreboard = append([]PlayerScore(nil), res.Scoreboard...)
		out = append(out, res)
	}
	return out, nil
}
