package agones

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// DefaultPort is the SDK server's HTTP port when AGONES_SDK_HTTP_PORT is
// not set.
const DefaultPort = 9358

// URL is the SDK server's base address for the value of
// AGONES_SDK_HTTP_PORT (empty: DefaultPort).
func URL(port string) string {
	if port == "" {
		port = strconv.Itoa(DefaultPort)
	}
	return "http://localhost:" + port
}

// client makes the SDK's REST calls.
type client struct {
	base string
	http *http.Client
}

// call sends one request with a JSON body and reads the answer (at most
// 1 MiB), which it returns; any status but 2xx is an error.
func (c *client) call(ctx context.Context, method, path, body string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewBufferString(body))
	if err != nil {
		return nil, fmt.Errorf("agones: %s %s: %w", method, path, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("agones: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("agones: %s %s: reading the answer: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("agones: %s %s: %s: %s", method, path, resp.Status, bytes.TrimSpace(out[:min(len(out), 200)]))
	}
	return out, nil
}

// post is a lifecycle call (/ready, /allocate, /health, /shutdown): an
// empty message as body.
func (c *client) post(ctx context.Context, path string) error {
	_, err := c.call(ctx, http.MethodPost, path, "{}")
	return err
}

// setLabel sets a GameServer label; the sidecar prefixes the key with
// "agones.dev/sdk-".
func (c *client) setLabel(ctx context.Context, key, value string) error {
	_, err := c.call(ctx, http.MethodPut, "/metadata/label", fmt.Sprintf(`{"key":%q,"value":%q}`, key, value))
	return err
}

// setCounter sets a counter's count, and its capacity when capacity >= 0.
// The REST gateway takes int64 values as JSON strings.
func (c *client) setCounter(ctx context.Context, name string, count, capacity int64) error {
	body := fmt.Sprintf(`{"count":"%d"}`, count)
	if capacity >= 0 {
		body = fmt.Sprintf(`{"count":"%d","capacity":"%d"}`, count, capacity)
	}
	_, err := c.call(ctx, http.MethodPatch, "/v1beta1/counters/"+name, body)
	return err
}
