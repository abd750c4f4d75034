package server

import "time"

// Clock is the match loop's source of time, injected so tests can drive the
// loop without sleeping.
type Clock interface {
	Now() time.Time
	// NewTicker returns a ticker firing every d. The loop reads Now on every
	// fire, so a ticker may drop fires under load without losing ticks.
	NewTicker(d time.Duration) Ticker
}

// Ticker is the part of *time.Ticker the loop uses.
type Ticker interface {
	C() <-chan time.Time
	Stop()
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// NewTicker wraps time.NewTicker.
func (SystemClock) NewTicker(d time.Duration) Ticker { return systemTicker{time.NewTicker(d)} }

type systemTicker struct{ t *time.Ticker }

func (t systemTicker) C() <-chan time.Time { return t.t.C }
func (t systemTicker) Stop()               { t.t.Stop() }
