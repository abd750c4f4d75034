//go:build !js

package clientnet

import "net/http"

// NativeDialOptions are the DialOptions of native builds only (embedded
// in DialOptions). Browser builds (GOOS=js) have an empty
// NativeDialOptions: the browser makes the handshake itself, and keeping
// *http.Client out of their types keeps net/http's client out of the wasm.
type NativeDialOptions struct {
	// HTTPHeader is added to the WebSocket handshake request. Default none.
	HTTPHeader http.Header

	// HTTPClient makes the WebSocket upgrade request: one with a
	// tls.Config of its own trusts a server's private CA (wss://).
	// Default http.DefaultClient.
	HTTPClient *http.Client
}
