package servertest

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/server/setup"
)

// Serve runs what setup builds from opts the way `skirmish serve` does,
// with setup.Serve on a loopback listener (so with its player/admin split,
// caps and -serve-replays), until the test ends. A set so.AdminAddr gets
// a loopback admin listener of its own. It returns the player and admin
// base addresses (http://…; admin empty without one). A nil Logger is
// quiet.
func Serve(t testing.TB, opts setup.Options, so setup.ServeOptions) (player, admin string) {
	t.Helper()
	st := newStack(t, opts)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if so.AdminAddr != "" {
		aln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		so.AdminListener, admin = aln, "http://"+aln.Addr().String()
	}
	if so.Logger == nil {
		so.Logger = Logger()
	}
	drain, stopDrain := context.WithCancel(context.Background())
	now, stopNow := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- setup.Serve(setup.Stop{Drain: drain, Now: now}, ln, st, so) }()
	t.Cleanup(func() {
		stopDrain()
		stopNow()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop")
		}
	})
	return "http://" + ln.Addr().String(), admin
}
