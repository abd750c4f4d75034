//go:build js

package play

import "syscall/js"

// networkBack returns a channel that receives when the browser says the
// network is back (the window's online event), for the Client to dial at
// once rather than wait out its backoff, and a function that stops
// listening.
func networkBack() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	win := js.Global()
	fn := js.FuncOf(func(js.Value, []js.Value) any {
		select {
		case ch <- struct{}{}:
		default:
		}
		return nil
	})
	win.Call("addEventListener", "online", fn)
	return ch, func() {
		win.Call("removeEventListener", "online", fn)
		fn.Release()
	}
}
