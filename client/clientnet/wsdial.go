//go:build !js

package clientnet

import "github.com/coder/websocket"

// wsDialOptions maps DialOptions to the WebSocket library's native options.
func wsDialOptions(o *DialOptions) *websocket.DialOptions {
	return &websocket.DialOptions{
		HTTPHeader:      o.HTTPHeader,
		HTTPClient:      o.HTTPClient,
		CompressionMode: websocket.CompressionDisabled,
	}
}
