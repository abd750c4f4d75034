package play

import (
	"context"
	"time"
)

// listTimeout bounds the fetch of a menu's list.
const listTimeout = 5 * time.Second

// Listing is a menu's list fetched from the server in the background (the
// matches to watch, the recordings to replay), so the screen never waits.
type Listing[T any] struct {
	done  chan struct{}
	items []T // set before done is closed
	err   error
}

// openListing fetches with list from the menu's server: its game URL. A
// server field that is not an address gives a list that failed at once.
func openListing[T any](m *Machine, list func(ctx context.Context, gameURL string) ([]T, error)) *Listing[T] {
	l := &Listing[T]{done: make(chan struct{})}
	u, err := NormalizeURL(m.Server)
	if err != nil {
		l.err = err
		close(l.done)
		return l
	}
	go func() {
		defer close(l.done)
		ctx, cancel := context.WithTimeout(m.ctx, listTimeout)
		defer cancel()
		l.items, l.err = list(ctx, u)
	}()
	return l
}

// Ready reports whether the fetch has ended. It never waits.
func (l *Listing[T]) Ready() bool {
	select {
	case <-l.done:
		return true
	default:
		return false
	}
}

// Result is the list, in the server's order, or why it could not be
// read; call it once Ready.
func (l *Listing[T]) Result() ([]T, error) {
	<-l.done
	return l.items, l.err
}
