package servertest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// BuildCommand builds a command of this module (e.g. "./cmd/skirmish",
// relative to the module root) into the test's temporary directory and
// returns the binary's path: cluster tests run real processes.
func BuildCommand(t testing.TB, pkg string) string {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), filepath.Base(pkg))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, pkg)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// Process is a server process a test started: it waits for the line
// "skirmish: listening on ADDR" and keeps what the process writes to
// stderr for the test's log. It is killed when the test ends.
type Process struct {
	Name string
	Addr string // as printed

	cmd    *exec.Cmd
	mu     sync.Mutex
	stderr bytes.Buffer
	exited chan struct{}
	err    error // of Wait, once exited is closed
}

// StartProcess runs bin with args and waits (up to 20 s) for it to listen.
func StartProcess(t testing.TB, name, bin string, args ...string) *Process {
	t.Helper()
	p := &Process{Name: name, exited: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Stderr = (*lockedWriter)(p)
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "skirmish: listening on "); ok {
				select {
				case addr <- a:
				default:
				}
			}
		}
	}()
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.Kill()
		if t.Failed() {
			t.Logf("%s stderr (last 4 KB):\n%s", name, p.tail(4096))
		}
	})
	select {
	case p.Addr = <-addr:
	case <-p.exited:
		t.Fatalf("%s exited before listening (%v):\n%s", name, p.err, p.tail(4096))
	case <-time.After(20 * time.Second):
		t.Fatalf("%s did not listen within 20s:\n%s", name, p.tail(4096))
	}
	return p
}

type lockedWriter Process

func (w *lockedWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.stderr.Write(b)
}

func (p *Process) tail(n int) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.stderr.Bytes()
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// Stderr is what the process wrote to stderr so far.
func (p *Process) Stderr() string { return p.tail(1 << 30) }

// Signal sends sig to the process.
func (p *Process) Signal(sig syscall.Signal) error { return p.cmd.Process.Signal(sig) }

// Kill ends the process at once (SIGKILL) and waits for it.
func (p *Process) Kill() {
	p.cmd.Process.Kill()
	<-p.exited
}

// Wait waits up to d for the process to exit and returns its exit code
// (-1 when it was killed by a signal); ok is false when it is still
// running.
func (p *Process) Wait(d time.Duration) (code int, ok bool) {
	select {
	case <-p.exited:
		return p.cmd.ProcessState.ExitCode(), true
	case <-time.After(d):
		return 0, false
	}
}
