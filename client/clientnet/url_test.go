package clientnet

import (
	"errors"
	"testing"
)

func TestWebSocketURL(t *testing.T) {
	tests := []struct {
		in, want string // want "": an error
	}{
		{"localhost:8080", "ws://localhost:8080/ws"},
		{" ws://h:1/ws ", "ws://h:1/ws"},
		{"ws://localhost:8080/ws", "ws://localhost:8080/ws"},
		{"http://h:1", "ws://h:1/ws"},
		{"http://localhost:8080", "ws://localhost:8080/ws"},
		{"https://game.example/", "wss://game.example/ws"},
		{"wss://game.example/play", "wss://game.example/play"},
		{"http://127.0.0.1:9/ws?x=1", "ws://127.0.0.1:9/ws?x=1"},
		{"[::1]:8080", "ws://[::1]:8080/ws"},
		{"", ""},
		{"   ", ""},
		{"ftp://h", ""},
		{"ftp://x/ws", ""},
		{"ws://", ""},
		{"http://%zz", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := WebSocketURL(tt.in)
			if tt.want == "" {
				if !errors.Is(err, ErrAddress) {
					t.Fatalf("WebSocketURL(%q) = %q, %v; want an error wrapping ErrAddress", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("WebSocketURL(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}
