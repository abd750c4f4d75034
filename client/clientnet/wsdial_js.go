//go:build js

package clientnet

import "github.com/coder/websocket"

// wsDialOptions maps DialOptions to the WebSocket library's browser options:
// the browser negotiates compression and headers itself.
func wsDialOptions(*DialOptions) *websocket.DialOptions {
	return &websocket.DialOptions{}
}
