//go:build !js

package clientnet

import (
	"context"

	"github.com/coder/websocket"
)

// wsDialOptions maps DialOptions to the WebSocket library's native options.
func wsDialOptions(o *DialOptions) *websocket.DialOptions {
	return &websocket.DialOptions{
		HTTPHeader:      o.HTTPHeader,
		HTTPClient:      o.HTTPClient,
		CompressionMode: websocket.CompressionDisabled,
	}
}

// dialSocket opens the WebSocket.
func dialSocket(ctx context.Context, url string, o *DialOptions) (socket, error) {
	ws, _, err := websocket.Dial(ctx, url, wsDialOptions(o))
	if err != nil {
		return nil, err
	}
	return ws, nil
}
