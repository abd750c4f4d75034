//go:build js

package clientnet

import (
	"context"
	"errors"
	"log/slog"
	"syscall/js"

	"github.com/coder/websocket"
)

// wsDialOptions maps DialOptions to the WebSocket library's browser options:
// the browser negotiates compression and headers itself.
func wsDialOptions(*DialOptions) *websocket.DialOptions {
	return &websocket.DialOptions{}
}

// dialSocket opens the WebSocket in a Web Worker where the page may run
// one (see workerSocket), else on the page with the WebSocket library.
func dialSocket(ctx context.Context, url string, o *DialOptions) (socket, error) {
	if js.Global().Get("Worker").Type() == js.TypeFunction && js.Global().Get("Blob").Type() == js.TypeFunction {
		s, err := dialWorker(ctx, url)
		if err == nil {
			return s, nil
		}
		if !errors.Is(err, errNoWorker) {
			return nil, err
		}
		slog.Warn("clientnet: the socket runs on the page: round trips will include its frames", "err", err)
	}
	ws, _, err := websocket.Dial(ctx, url, wsDialOptions(o))
	if err != nil {
		return nil, err
	}
	return ws, nil
}
