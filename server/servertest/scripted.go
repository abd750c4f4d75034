package servertest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/protocol"
)

// Script plays the server's side of one connection after its Hello.
type Script func(ctx context.Context, ws *websocket.Conn, hello protocol.Hello) error

// Scripted is a stand-in server for client tests of what the real server
// never does on purpose (a bad Welcome, a refusal, a scripted drop): it
// accepts WebSocket connections, reads each one's Hello and hands the
// connection to the test's script. A script's error, or a connection that
// sent no Hello, fails the test when it ends.
type Scripted struct {
	// URL is the ws:// address of its /ws endpoint.
	URL string

	t      testing.TB
	srv    *httptest.Server
	script Script
	wg     sync.WaitGroup
	errs   chan error
	once   sync.Once
	closed atomic.Bool // errors after Close are the shutdown's own
}

// NewScripted starts a scripted server; it closes when the test ends.
func NewScripted(t testing.TB, script Script) *Scripted {
	t.Helper()
	s := &Scripted{t: t, script: script, errs: make(chan error, 64)}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = "ws" + strings.TrimPrefix(s.srv.URL, "http") + "/ws"
	t.Cleanup(s.Close)
	return s
}

// Close stops taking connections, waits for the scripts to return and
// reports their errors. Idempotent.
func (s *Scripted) Close() {
	s.once.Do(func() {
		s.closed.Store(true)
		s.srv.CloseClientConnections()
		s.srv.Close()
		s.wg.Wait()
		close(s.errs)
		for err := range s.errs {
			s.t.Errorf("scripted server: %v", err)
		}
	})
}

func (s *Scripted) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost && r.URL.Path == "/v1/auth/guest" {
		// Clients fetch an identity first; the scripts do not check it.
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"player":"g_scripted","token":"g1.scripted.identity","expires":"2099-01-01T00:00:00Z"}`)
		return
	}
	s.wg.Add(1)
	defer s.wg.Done()
	ws, err := websocket.Accept(w, r, nil)
	if err != nil {
		s.fail(err)
		return
	}
	defer ws.CloseNow()
	ctx := r.Context()
	_, b, err := ws.Read(ctx)
	if err != nil {
		s.fail(fmt.Errorf("read hello: %w", err))
		return
	}
	var hello protocol.Hello
	if err := hello.Decode(b); err != nil {
		s.fail(fmt.Errorf("decode hello: %w", err))
		return
	}
	if err := s.script(ctx, ws, hello); err != nil {
		s.fail(err)
	}
}

func (s *Scripted) fail(err error) {
	if s.closed.Load() {
		return
	}
	select {
	case s.errs <- err:
	default: // enough to go on
	}
}
