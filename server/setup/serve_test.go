package setup

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"
)

// okService answers every request with "ok".
type okService struct{}

func (okService) Routes() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
}
func (okService) Drain(context.Context) error { return nil }
func (okService) Close(context.Context) error { return nil }

// TestIdleKeepAliveClosed: a keep-alive connection left idle is closed
// by the server after IdleTimeout, while one in use is not.
func TestIdleKeepAliveClosed(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Serve(StopWith(ctx), ln, okService{}, ServeOptions{IdleTimeout: 300 * time.Millisecond, MaxConns: -1, MaxConnsPerIP: -1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	get := func() error {
		fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		return resp.Body.Close()
	}
	// In use: a request every 100 ms keeps it open past the timeout.
	for range 6 {
		if err := get(); err != nil {
			t.Fatalf("a connection in use was closed: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	_, err = br.ReadByte()
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("an idle keep-alive connection stayed open for %v", time.Since(start))
	}
	t.Logf("idle connection closed after %v (%v)", time.Since(start).Round(time.Millisecond), err)
}
