//go:build js

package clientnet

import (
	"context"
	"syscall/js"

	"github.com/coder/websocket"
)

// wsDialOptions maps DialOptions to the WebSocket library's browser options:
// the browser negotiates compression and headers itself.
func wsDialOptions(*DialOptions) *websocket.DialOptions {
	return &websocket.DialOptions{}
}

// dialSocket opens the WebSocket in a Web Worker where the browser has
// them (see workerSocket), else on the page with the WebSocket library.
func dialSocket(ctx context.Context, url string, o *DialOptions) (socket, error) {
	if js.Global().Get("Worker").Type() == js.TypeFunction && js.Global().Get("Blob").Type() == js.TypeFunction {
		return dialWorker(ctx, url)
	}
	ws, _, err := websocket.Dial(ctx, url, wsDialOptions(o))
	if err != nil {
		return nil, err
	}
	return ws, nil
}
