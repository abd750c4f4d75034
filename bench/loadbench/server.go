package loadbench

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// How long the load tool waits for a server child to come up and to go.
const (
	serverStartTimeout = 15 * time.Second
	serverStopTimeout  = 20 * time.Second // serve drains for up to 10 s
)

// serverProc is a `skirmish serve` child process on loopback.
type serverProc struct {
	cmd    *exec.Cmd
	pid    string       // for /proc
	base   string       // http://127.0.0.1:port
	stderr *tailBuffer  // its logs, the tail kept
	http   *http.Client // for /healthz and /metrics
	exited chan struct{}
	err    error // Wait's, once exited is closed
}

// startServer runs bin with args (which must make it print its listening
// address, as `serve -addr 127.0.0.1:0` does), on cpus only when given,
// and waits until /healthz
// answers. Cancelling ctx terminates the child with SIGTERM. When it
// fails after starting the process, the process has exited and the
// returned serverProc holds its log.
func startServer(ctx context.Context, bin string, args []string, cpus []int) (*serverProc, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = serverStopTimeout
	cmd.SysProcAttr = childProcAttr()
	addrc := make(chan string, 1)
	p := &serverProc{
		cmd:    cmd,
		stderr: &tailBuffer{max: 16 << 10},
		http:   &http.Client{Timeout: 10 * time.Second},
		exited: make(chan struct{}),
	}
	cmd.Stdout = &addrWatcher{found: addrc}
	cmd.Stderr = p.stderr
	if err := startOn(cmd, cpus); err != nil {
		return nil, fmt.Errorf("start server %s: %w", bin, err)
	}
	p.pid = strconv.Itoa(cmd.Process.Pid)
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()

	timeout := time.NewTimer(serverStartTimeout)
	defer timeout.Stop()
	select {
	case addr := <-addrc:
		p.base = "http://" + addr
	case <-p.exited:
		return p, fmt.Errorf("server exited before listening: %w; its log begins: %s", p.exitError(), firstLine(p.stderr.String()))
	case <-timeout.C:
		p.stop()
		return p, fmt.Errorf("server did not print its address within %v", serverStartTimeout)
	case <-ctx.Done():
		p.stop()
		return p, ctx.Err()
	}
	for {
		if err := p.healthy(ctx); err == nil {
			return p, nil
		}
		select {
		case <-p.exited:
			return p, fmt.Errorf("server exited before it was healthy: %w; its log begins: %s", p.exitError(), firstLine(p.stderr.String()))
		case <-timeout.C:
			p.stop()
			return p, fmt.Errorf("server at %s not healthy within %v", p.base, serverStartTimeout)
		case <-ctx.Done():
			p.stop()
			return p, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// exitError is how the exited process ended, as an error even when it
// exited with status 0.
func (p *serverProc) exitError() error {
	if p.err == nil {
		return errors.New("exit status 0")
	}
	return p.err
}

// firstLine is the first line of a log, for an error message; the whole
// tail goes to stderr.
func firstLine(log string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(log), "\n")
	return line
}

// wsURL is the server's player endpoint.
func (p *serverProc) wsURL() string { return "ws" + strings.TrimPrefix(p.base, "http") + "/ws" }

func (p *serverProc) healthy(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.base+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := p.http.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthz: %s", resp.Status)
	}
	return nil
}

// scrape reads the server's /metrics.
func (p *serverProc) scrape(ctx context.Context) (promScrape, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.base+"/metrics", nil)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	resp, err := p.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("metrics: %s", resp.Status)
	}
	return parseProm(resp.Body)
}

// stop sends SIGTERM and waits for the process to exit, killing it after
// serverStopTimeout. It returns the exit error, nil for a clean exit.
func (p *serverProc) stop() error {
	select {
	case <-p.exited:
		return p.err
	default:
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		p.cmd.Process.Kill()
	}
	select {
	case <-p.exited:
	case <-time.After(serverStopTimeout):
		p.cmd.Process.Kill()
		<-p.exited
		return fmt.Errorf("server did not exit within %v of SIGTERM: killed", serverStopTimeout)
	}
	return p.err
}

// addrWatcher is the server's stdout: it sends the address of the first
// "skirmish: listening on ADDR" line to found and drops everything else.
type addrWatcher struct {
	found chan<- string
	line  []byte
}

func (w *addrWatcher) Write(b []byte) (int, error) {
	for _, c := range b {
		if c != '\n' {
			if len(w.line) < 512 {
				w.line = append(w.line, c)
			}
			continue
		}
		if addr, ok := strings.CutPrefix(string(w.line), "skirmish: listening on "); ok {
			select {
			case w.found <- strings.TrimSpace(addr):
			default:
			}
		}
		w.line = w.line[:0]
	}
	return len(b), nil
}

// tailBuffer is an io.Writer that keeps the last max bytes written and
// counts the lines.
type tailBuffer struct {
	mu    sync.Mutex
	max   int
	buf   []byte
	lines int
}

func (t *tailBuffer) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, c := range b {
		if c == '\n' {
			t.lines++
		}
	}
	t.buf = append(t.buf, b...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(b), nil
}

// String returns the kept tail.
func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// Lines is how many lines were written in all.
func (t *tailBuffer) Lines() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.lines
}
