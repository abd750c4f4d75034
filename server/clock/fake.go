package clock

import (
	"sync"
	"time"
)

// Fake is a Clock whose time moves only when Advance says so. Tests use it
// to run match loops and expire seats without sleeping.
type Fake struct {
	mu      sync.Mutex
	now     time.Time
	tickers []*fakeTicker
}

// NewFake returns a fake clock at a fixed instant.
func NewFake() *Fake {
	return &Fake{now: time.Unix(1_000_000, 0)}
}

// Now returns the fake time.
func (c *Fake) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTicker returns a ticker that fires on Advance.
func (c *Fake) NewTicker(d time.Duration) Ticker {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTicker{c: make(chan time.Time, 1)}
	c.tickers = append(c.tickers, t)
	return t
}

// Tickers reports how many tickers were made: a test waits for a loop's
// ticker before advancing time for it.
func (c *Fake) Tickers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.tickers)
}

// Advance moves time forward and fires every ticker once, as a real ticker
// that fell behind would.
func (c *Fake) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	now := c.now
	tickers := append([]*fakeTicker(nil), c.tickers...)
	c.mu.Unlock()
	for _, t := range tickers {
		select {
		case t.c <- now:
		default:
		}
	}
}

type fakeTicker struct{ c chan time.Time }

func (t *fakeTicker) C() <-chan time.Time { return t.c }
func (t *fakeTicker) Stop()               {}
