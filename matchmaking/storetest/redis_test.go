package storetest

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// fatalRecorder records a Fatalf instead of failing the test.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Helper() {}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// TestStartRedisMissing: without redis-server the Redis tests fail (they
// do not skip) and say how to install it.
func TestStartRedisMissing(t *testing.T) {
	rec := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		StartRedis(rec, &RedisOptions{Binary: "redis-server-that-is-not-installed"})
	}()
	<-done
	if !strings.Contains(rec.msg, "make deps") {
		t.Fatalf("StartRedis without the binary said %q", rec.msg)
	}
}

// TestStartRedis: the server answers, survives a restart with AOF, and is
// gone after Kill.
func TestStartRedis(t *testing.T) {
	r := StartRedis(t, &RedisOptions{AOF: true})
	if err := ping(r.Addr); err != nil {
		t.Fatal(err)
	}
	r.Restart()
	if err := ping(r.Addr); err != nil {
		t.Fatalf("after a restart: %v", err)
	}
	r.Kill()
	if err := ping(r.Addr); err == nil {
		t.Fatal("answers after Kill")
	}
	r.Stop() // stopping a stopped server does nothing
}
