// Package clock is the time source of match loops and seat deadlines,
// injected so tests drive them without sleeping: System is the real clock,
// Fake one whose time moves only when told.
package clock

import "time"

// Clock is a source of time.
type Clock interface {
	Now() time.Time
	// NewTicker returns a ticker firing every d. A loop reads Now on every
	// fire, so a ticker may drop fires under load without losing ticks.
	NewTicker(d time.Duration) Ticker
}

// Ticker is the part of *time.Ticker a loop uses.
type Ticker interface {
	C() <-chan time.Time
	Stop()
}

// System is the real clock.
type System struct{}

// Now returns time.Now().
func (System) Now() time.Time { return time.Now() }

// NewTicker wraps time.NewTicker.
func (System) NewTicker(d time.Duration) Ticker { return systemTicker{time.NewTicker(d)} }

type systemTicker struct{ t *time.Ticker }

func (t systemTicker) C() <-chan time.Time { return t.t.C }
func (t systemTicker) Stop()               { t.t.Stop() }
