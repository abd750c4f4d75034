package servertest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/setup"
)

// Stack is a real all-in-one server on loopback, as `skirmish serve`
// wires it.
type Stack struct {
	*setup.Stack
	// URL is the game endpoint (ws://…/ws); HTTP is the server's base
	// address (http://…).
	URL, HTTP string
	// Stop closes the server and waits for it; it also runs when the test
	// ends. Calling it again does nothing.
	Stop func()
}

// StartStack runs what setup builds from opts on a loopback HTTP server.
// A nil Logger is quiet.
func StartStack(t testing.TB, opts setup.Options) *Stack {
	t.Helper()
	st := newStack(t, opts)
	hs := httptest.NewServer(st.Handler)
	var once sync.Once
	stop := func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := st.Close(ctx); err != nil {
				t.Errorf("close: %v", err)
			}
			hs.Close()
		})
	}
	t.Cleanup(stop)
	return &Stack{Stack: st, URL: "ws" + strings.TrimPrefix(hs.URL, "http") + "/ws", HTTP: hs.URL, Stop: stop}
}

// StartServer runs a match host without matchmaking: players join the
// first match of rules with a free seat (or, with opts.Tokens, come with a
// join token). It returns the server and its ws:// URL.
func StartServer(t testing.TB, rules game.Rules, opts *server.Options) (*server.Server, string) {
	t.Helper()
	var o server.Options
	if opts != nil {
		o = *opts
	}
	st := StartStack(t, setup.Options{Server: o, Direct: rules})
	return st.Server, st.URL
}

// Guest fetches a guest identity from the server behind url (its ws:// or
// http:// URL) with POST /v1/auth/guest and returns its token: what a
// test's Hello or Queue presents.
func Guest(t testing.TB, url string) string {
	t.Helper()
	_, token := GuestOf(t, url)
	return token
}

// GuestOf is Guest with the guest's player ID.
func GuestOf(t testing.TB, url string) (player, token string) {
	t.Helper()
	base := strings.TrimSuffix(strings.Replace(url, "ws", "http", 1), "/ws")
	base = strings.TrimSuffix(base, "/v1/matchmaking")
	resp, err := http.Post(base+"/v1/auth/guest", "application/json", nil)
	if err != nil {
		t.Fatalf("guest identity: %v", err)
	}
	defer resp.Body.Close()
	var g struct{ Player, Token string }
	if err := json.NewDecoder(resp.Body).Decode(&g); err != nil || resp.StatusCode != http.StatusOK || g.Token == "" {
		t.Fatalf("guest identity: %s, %v", resp.Status, err)
	}
	return g.Player, g.Token
}

// newStack is setup.New(opts) with the tests' defaults: a quiet logger,
// and a public URL elsewhere, so the local host is reached as "here".
func newStack(t testing.TB, opts setup.Options) *setup.Stack {
	t.Helper()
	if opts.Server.Logger == nil {
		opts.Server.Logger = Logger()
	}
	if opts.PublicURL == "" {
		opts.PublicURL = "ws://elsewhere.invalid/ws"
	}
	st, err := setup.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return st
}
