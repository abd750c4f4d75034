//go:build js

package clientnet

// NativeDialOptions is empty in browsers: a page cannot set the WebSocket
// handshake's headers or HTTP client (native builds have HTTPHeader and
// HTTPClient here). Naming *http.Client in the browser's types would link
// net/http's whole client, HTTP/2 and crypto/tls into the wasm.
type NativeDialOptions struct{}
