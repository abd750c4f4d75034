package clientnet

import (
	"context"
	"sync"
)

// ctxWatch closes the connection when the context of a blocking call is
// done while the call waits, as the WebSocket library does for the contexts
// given to it. The library arms a fresh timer for every frame it reads or
// writes, which allocates; a ctxWatch arms one per distinct context and
// keeps it between calls (disarmed while no call is in progress), so a loop
// calling Next or SendInput with the same context allocates nothing.
type ctxWatch struct {
	mu   sync.Mutex
	done <-chan struct{} // Done of the watched context; nil: none
	stop func() bool
	busy bool // a call is in progress
}

// begin marks a call with ctx as in progress: until end, ctx being done
// calls onDone.
func (w *ctxWatch) begin(ctx context.Context, onDone func()) {
	d := ctx.Done()
	w.mu.Lock()
	defer w.mu.Unlock()
	w.busy = true
	if d == w.done {
		return
	}
	if w.stop != nil {
		w.stop()
	}
	w.done, w.stop = d, nil
	if d != nil {
		w.stop = context.AfterFunc(ctx, func() {
			w.mu.Lock()
			fire := w.busy && w.done == d
			w.mu.Unlock()
			if fire {
				onDone()
			}
		})
	}
}

// end marks the call as over: the context being done no longer matters.
func (w *ctxWatch) end() {
	w.mu.Lock()
	w.busy = false
	w.mu.Unlock()
}

// release stops watching for good.
func (w *ctxWatch) release() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stop != nil {
		w.stop()
	}
	w.done, w.stop, w.busy = nil, nil, false
}
