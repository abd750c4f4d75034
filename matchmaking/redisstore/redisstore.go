package redisstore

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	mrand "math/rand/v2"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultPrefix is the key prefix when an Options.Prefix is empty.
const DefaultPrefix = "skirmish"

// Open connects to the Redis at url (redis://[user:password@]host:port/db,
// or rediss:// for TLS) and checks it with PING under ctx. Unless the URL
// sets them (dial_timeout, read_timeout, write_timeout, pool_timeout,
// max_retries), a call fails within about a second while Redis is down:
// dial, read and write timeouts of 1 s, one dial attempt, a pool wait of
// 2 s and no command retries; context deadlines are honoured. Close the client when done.
func Open(ctx context.Context, url string) (*redis.Client, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redisstore: parse %q: %w", url, err)
	}
	if opt.DialTimeout == 0 {
		opt.DialTimeout = time.Second
	}
	if opt.ReadTimeout == 0 {
		opt.ReadTimeout = time.Second
	}
	if opt.WriteTimeout == 0 {
		opt.WriteTimeout = time.Second
	}
	if opt.PoolTimeout == 0 {
		opt.PoolTimeout = 2 * time.Second
	}
	if opt.MaxRetries == 0 {
		opt.MaxRetries = -1
	}
	if opt.DialerRetries == 0 { // go-redis's default, 5 dials, would take 5 s on a black hole
		opt.DialerRetries = 1
	}
	opt.ContextTimeoutEnabled = true
	c := redis.NewClient(opt)
	if err := c.Ping(ctx).Err(); err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("redisstore: ping %s: %w", opt.Addr, err)
	}
	return c, nil
}

// keys builds the keys of one prefix.
type keys string

func newKeys(prefix string) keys {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	return keys("{" + prefix + "}:")
}

func (k keys) of(parts ...string) string {
	s := string(k)
	for i, p := range parts {
		if i > 0 {
			s += ":"
		}
		s += p
	}
	return s
}

// timeKey writes t as 20 decimal digits that sort as the times do (the
// UnixNano offset by 2^63, clamped to UnixNano's range).
func timeKey(t time.Time) string {
	var n uint64
	switch {
	case t.Before(time.Unix(0, math.MinInt64)):
		n = 0
	case t.After(time.Unix(0, math.MaxInt64)):
		n = 1<<64 - 1
	default:
		n = uint64(t.UnixNano()) ^ 1<<63
	}
	return fmt.Sprintf("%020d", n)
}

// timeKeyLen is the length of a timeKey and its "|" separator.
const timeKeyLen = 21

// newMatchID makes a random match ID: "m_" and 24 hex digits.
func newMatchID(r io.Reader) (string, error) {
	var b [12]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("redisstore: random match ID: %w", err)
	}
	return "m_" + hex.EncodeToString(b[:]), nil
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// backoff is the wait before retry attempt n (from 1) of an optimistic
// transaction: up to 1ms×n, jittered so that racing clients spread out.
func backoff(n int) time.Duration {
	return time.Duration(mrand.Int64N(int64(n)*int64(time.Millisecond)) + 1)
}

// ctxErr prefers the context's error when it has ended: a deadline that
// cut a socket read shows as the deadline, not as an i/o timeout (the
// socket's deadline may fire a moment before the context's timer).
func ctxErr(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	cerr := ctx.Err()
	if dl, ok := ctx.Deadline(); cerr == nil && ok && !time.Now().Before(dl) {
		cerr = context.DeadlineExceeded
	}
	if cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("%w (%v)", cerr, err)
	}
	return err
}
