//go:build !js

package clientnet

import (
	"bytes"
	"context"
	"io"
	"net/http"
)

// httpDo: see httpdo.go. Native builds use http.DefaultClient.
func httpDo(ctx context.Context, method, url string, header map[string]string, body []byte, limit int) (status int, resp []byte, err error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return 0, nil, err
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer r.Body.Close()
	b, err := io.ReadAll(io.LimitReader(r.Body, int64(limit)+1))
	if err != nil {
		return r.StatusCode, nil, err
	}
	if len(b) > limit {
		return r.StatusCode, nil, errTooLarge(method, url, limit)
	}
	return r.StatusCode, b, nil
}
