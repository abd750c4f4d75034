package floor

import (
	"strings"
	"testing"
)

func TestAcceptKey(t *testing.T) {
	// RFC 6455 section 1.3's example.
	if got, want := acceptKey("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="; got != want {
		t.Fatalf("acceptKey = %q, want %q", got, want)
	}
}

func TestHandshake(t *testing.T) {
	const upgrade = "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
	tests := []struct {
		name     string
		req      string
		kind     requestKind
		status   string // start of the response
		contains string
	}{
		{"upgrade", upgrade, reqUpgrade, "HTTP/1.1 101 ", "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"},
		{"upgrade, header case and query", strings.NewReplacer("Upgrade: websocket", "upgrade: WebSocket", "/ws", "/ws?x=1").Replace(upgrade), reqUpgrade, "HTTP/1.1 101 ", "Upgrade: websocket"},
		{"incomplete", upgrade[:len(upgrade)-2], reqIncomplete, "", ""},
		{"healthz", "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", reqHealth, "HTTP/1.1 200 ", "\r\n\r\nok\n"},
		{"guest", "POST /v1/auth/guest HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", reqHealth, "HTTP/1.1 200 ", `"token":"floor","expires":"2100-01-01T00:00:00Z"}`},
		{"other path", "GET /metrics HTTP/1.1\r\n\r\n", reqRefused, "HTTP/1.1 404 ", "/ws and /healthz"},
		{"POST", "POST /ws HTTP/1.1\r\n\r\n", reqRefused, "HTTP/1.1 405 ", "only GET"},
		{"not HTTP", "GET /ws SPDY/3\r\n\r\n", reqRefused, "HTTP/1.1 400 ", "not an HTTP/1 request"},
		{"no upgrade", "GET /ws HTTP/1.1\r\nHost: x\r\n\r\n", reqRefused, "HTTP/1.1 426 ", "WebSocket upgrade is required"},
		{"old version", strings.Replace(upgrade, "Version: 13", "Version: 8", 1), reqRefused, "HTTP/1.1 426 ", "Sec-WebSocket-Version: 13"},
		{"bad key", strings.Replace(upgrade, "dGhlIHNhbXBsZSBub25jZQ==", "c2hvcnQ=", 1), reqRefused, "HTTP/1.1 400 ", "Sec-WebSocket-Key"},
		{"malformed header", strings.Replace(upgrade, "Host: x", "Host x", 1), reqRefused, "HTTP/1.1 400 ", "malformed header"},
		{"head too large", "GET /ws HTTP/1.1\r\nX: " + strings.Repeat("a", maxRequest), reqRefused, "HTTP/1.1 431 ", "too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind, resp, n := handshake([]byte(tt.req))
			if kind != tt.kind {
				t.Fatalf("kind = %d, want %d (response %q)", kind, tt.kind, resp)
			}
			if kind == reqIncomplete {
				if n != 0 || resp != nil {
					t.Fatalf("incomplete head: n = %d, response %q", n, resp)
				}
				return
			}
			if n != len(tt.req) {
				t.Errorf("took %d bytes of %d", n, len(tt.req))
			}
			if !strings.HasPrefix(string(resp), tt.status) || !strings.Contains(string(resp), tt.contains) {
				t.Errorf("response %q: want %q… containing %q", resp, tt.status, tt.contains)
			}
		})
	}
}

func FuzzHandshake(f *testing.F) {
	f.Add([]byte("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"))
	f.Add([]byte("GET /healthz HTTP/1.1\r\n\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		kind, resp, n := handshake(b)
		if n < 0 || n > len(b) {
			t.Fatalf("took %d bytes of %d", n, len(b))
		}
		if (kind == reqIncomplete) != (resp == nil) {
			t.Fatalf("kind %d with response %q", kind, resp)
		}
	})
}
