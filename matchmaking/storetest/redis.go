package storetest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// RedisOptions configures StartRedis. A nil *RedisOptions takes the
// defaults.
type RedisOptions struct {
	// AOF turns the append-only file on (appendfsync always), so that
	// Restart and Kill keep every acknowledged write. Default off: no
	// persistence at all.
	AOF bool
	// Binary is the redis-server to run. Default "redis-server" from PATH.
	Binary string
}

// Redis is a real redis-server child process for tests, on a free
// loopback port, with its data directory under t.TempDir(). It is stopped
// by PID when the test ends.
type Redis struct {
	// URL is redis://127.0.0.1:port/0, for redisstore.Open.
	URL string
	// Addr is 127.0.0.1:port.
	Addr string
	// Dir is the data directory (the AOF lives there).
	Dir string

	t    testing.TB
	bin  string
	args []string
	mu   sync.Mutex
	cmd  *exec.Cmd
	out  *syncWriter
	done chan struct{}
}

// StartRedis starts a redis-server and waits until it answers PING. It
// fails the test (never skips it) when redis-server is missing: `make
// deps` installs it.
func StartRedis(t testing.TB, opts *RedisOptions) *Redis {
	t.Helper()
	var o RedisOptions
	if opts != nil {
		o = *opts
	}
	if o.Binary == "" {
		o.Binary = "redis-server"
	}
	bin, err := exec.LookPath(o.Binary)
	if err != nil {
		t.Fatalf("storetest: %s not found (%v): the Redis tests need a real redis-server; `make deps` installs it (apt-get install redis-server)", o.Binary, err)
	}
	r := &Redis{t: t, bin: bin, Dir: t.TempDir()}
	appendonly := "no"
	if o.AOF {
		appendonly = "yes"
	}
	var lastErr error
	for range 5 { // the free port may be taken between probe and bind
		port, err := freePort()
		if err != nil {
			t.Fatalf("storetest: free port: %v", err)
		}
		r.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		r.URL = "redis://" + r.Addr + "/0"
		r.args = []string{
			"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
			"--save", "", "--appendonly", appendonly, "--appendfsync", "always",
			"--dir", r.Dir, "--daemonize", "no", "--loglevel", "warning",
		}
		if lastErr = r.start(); lastErr == nil {
			t.Cleanup(r.Stop)
			return r
		}
	}
	t.Fatalf("storetest: start redis-server: %v", lastErr)
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// start runs the server and waits for PING; the caller may retry.
func (r *Redis) start() error {
	cmd := exec.Command(r.bin, r.args...)
	out := &syncWriter{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	r.mu.Lock()
	r.cmd, r.out, r.done = cmd, out, done
	r.mu.Unlock()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if err := ping(r.Addr); err == nil {
			return nil
		}
		select {
		case <-done:
			return fmt.Errorf("redis-server exited: %s", out.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			r.signal(syscall.SIGKILL)
			return errors.New("redis-server did not answer PING within 10s")
		}
	}
}

// ping sends a raw PING and expects +PONG.
func ping(addr string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if line != "+PONG\r\n" {
		return fmt.Errorf("PING answered %q", line)
	}
	return nil
}

// signal sends sig to the server by PID and waits for it to exit.
func (r *Redis) signal(sig os.Signal) {
	r.mu.Lock()
	cmd, done := r.cmd, r.done
	r.cmd = nil
	r.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(sig)
	_ = cmd.Process.Signal(syscall.SIGCONT) // a frozen server must run to exit
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

// Stop shuts the server down cleanly (SIGTERM: with AOF on, everything is
// on disk). Stopping a stopped server does nothing.
func (r *Redis) Stop() { r.signal(syscall.SIGTERM) }

// Kill stops the server at once (SIGKILL), as a crash would.
func (r *Redis) Kill() { r.signal(syscall.SIGKILL) }

// Freeze stops the server's process (SIGSTOP) without closing its
// sockets: connections open and commands hang, as on a hung host, until
// Thaw.
func (r *Redis) Freeze() { r.sendRunning(syscall.SIGSTOP) }

// Thaw resumes a frozen server (SIGCONT).
func (r *Redis) Thaw() { r.sendRunning(syscall.SIGCONT) }

func (r *Redis) sendRunning(sig os.Signal) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cmd != nil {
		_ = r.cmd.Process.Signal(sig)
	}
}

// Restart stops the server (if running) and starts it again on the same
// port and data directory: with AOF on, the data is kept.
func (r *Redis) Restart() {
	r.t.Helper()
	r.Stop()
	if err := r.start(); err != nil {
		r.t.Fatalf("storetest: restart redis-server: %v", err)
	}
}

// Output is what the server logged (warnings and errors).
func (r *Redis) Output() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.out == nil {
		return ""
	}
	return r.out.String()
}

// syncWriter lets the server's stdout and stderr share a buffer.
type syncWriter struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
