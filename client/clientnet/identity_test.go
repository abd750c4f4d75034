package clientnet

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// The native client keeps its guest identity across restarts: a second
// store on the same file (the next run) yields the same player without
// asking the server again; the file is its owner's alone.
func TestGuestIsKeptAcrossRestarts(t *testing.T) {
	_, url := startRealServer(t)
	path := filepath.Join(t.TempDir(), "skirmish", "identity.json")
	first, err := Guest(t.Context(), url, &FileIdentities{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("identity file: %v, mode %v; want 0600", err, st.Mode())
	}
	again, err := Guest(t.Context(), url, &FileIdentities{Path: path})
	if err != nil || again != first {
		t.Fatalf("after a restart: %+v, %v; want %+v", again, err, first)
	}
	// The server takes it: a Hello with it is welcomed.
	conn, err := Dial(t.Context(), url, &DialOptions{Identity: again.Token})
	if err != nil {
		t.Fatal(err)
	}
	conn.CloseNow()
	// A refused identity is forgotten, and the next one is new.
	store := &FileIdentities{Path: path}
	store.Forget(ServerKey(url))
	fresh, err := Guest(t.Context(), url, store)
	if err != nil || fresh.Player == first.Player {
		t.Fatalf("after Forget: %+v, %v; want a new player", fresh, err)
	}
}

func TestFetchGuestErrors(t *testing.T) {
	limited := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte(`{"error":"too many guest identities"}`))
	}))
	defer limited.Close()
	garbage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{}`)) }))
	defer garbage.Close()
	tests := []struct {
		name, url string
		want      error
	}{
		{"rate limited", limited.URL, ErrNoGuest},
		{"not an identity", garbage.URL, nil},
		{"bad scheme", "ftp://example.com/", ErrAddress},
		{"no host", "ws:///ws", ErrAddress},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FetchGuest(t.Context(), tt.url)
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("FetchGuest: %v, want an error wrapping %v", err, tt.want)
			}
		})
	}
}

func TestGuestURL(t *testing.T) {
	for in, want := range map[string]string{
		"ws://h:8080/ws":                "http://h:8080/v1/auth/guest",
		"wss://h/v1/matchmaking/ws?x=1": "https://h/v1/auth/guest",
		"http://h:1":                    "http://h:1/v1/auth/guest",
	} {
		if got, err := GuestURL(in); err != nil || got != want {
			t.Errorf("GuestURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if ServerKey("ws://H:8080/ws") != ServerKey("http://h:8080/v1/matchmaking/ws") {
		t.Error("one server's URLs name two identity keys")
	}
}
