package clientnet

import (
	"context"
	"fmt"
	"strings"
)

// The client's few HTTP calls (the guest identity, parties) all go through
// httpDo, which has a native implementation on net/http (httpdo_native.go)
// and a browser one on the Fetch API (httpdo_js.go): linking net/http's
// client into the wasm would add megabytes (Transport, HTTP/2, crypto/tls)
// to what every player downloads.
//
//	func httpDo(ctx context.Context, method, url string, header map[string]string, body []byte, limit int) (status int, resp []byte, err error)
//
// httpDo sends the request with the header and body (nil: none) and
// returns the response's status and body. It ends when ctx does, with
// ctx's error. A body over limit bytes is an error (errTooLarge), as is a
// request that gets no response; any status is not.

// errTooLarge is a response body over httpDo's limit.
func errTooLarge(method, url string, limit int) error {
	return fmt.Errorf("%s %q: response over %d bytes", method, url, limit)
}

// Fetch GETs url and returns its body, at most limit bytes: what the client
// downloads besides its own calls (a match recording for the replay
// viewer), through the same small HTTP path, so the browser build links no
// HTTP client either. A status other than 200 is an error that quotes the
// start of the server's answer.
func Fetch(ctx context.Context, url string, limit int) ([]byte, error) {
	status, body, err := httpDo(ctx, "GET", url, nil, nil, limit)
	if err != nil {
		return nil, err
	}
	if status != 200 {
		msg := strings.TrimSpace(string(body))
		if len(msg) > 200 {
			msg = msg[:200]
		}
		return nil, fmt.Errorf("GET %s: status %d: %s", url, status, msg)
	}
	return body, nil
}
