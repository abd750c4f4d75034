package soak

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// startTimeout bounds the server's start; stopTimeout its drain and exit.
const (
	startTimeout = 30 * time.Second
	stopTimeout  = 20 * time.Second
)

// server is the soaked `skirmish serve` child.
type server struct {
	cmd        *exec.Cmd
	wsURL      string
	metricsURL string
	exited     chan struct{}
	http       *http.Client
}

// startServer runs bin serve on loopback with an admin address, without
// the per-address limits (every bot comes from 127.0.0.1: connections,
// tickets, guest identities), until ctx ends.
func startServer(ctx context.Context, bin string, stderr io.Writer) (*server, error) {
	admin, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, bin, "serve", "-addr", "127.0.0.1:0", "-admin-addr", admin, "-web=",
		"-log-level", "warn", "-max-conns=0", "-max-conns-per-ip=0", "-max-tickets-per-ip=0", "-guest-rate=0",
		"-drain-timeout", "5s")
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = stopTimeout
	cmd.SysProcAttr = childProcAttr()
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("soak: start %s: %w", bin, err)
	}
	s := &server{cmd: cmd, metricsURL: "http://" + admin + "/metrics", exited: make(chan struct{}), http: &http.Client{Timeout: 10 * time.Second}}
	addrc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if addr, ok := strings.CutPrefix(sc.Text(), "skirmish: listening on "); ok {
				addrc <- addr
			}
		}
		io.Copy(io.Discard, out)
	}()
	go func() { cmd.Wait(); close(s.exited) }()
	select {
	case addr := <-addrc:
		s.wsURL = "ws://" + addr + "/ws"
		return s, nil
	case <-s.exited:
		return nil, fmt.Errorf("soak: the server exited before listening: %v", cmd.ProcessState)
	case <-time.After(startTimeout):
		s.stop()
		return nil, fmt.Errorf("soak: the server did not listen within %v", startTimeout)
	}
}

// stop sends SIGTERM and waits for the exit (killed past stopTimeout).
func (s *server) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(stopTimeout):
		s.cmd.Process.Kill()
		<-s.exited
	}
}

// sample scrapes the figures a leak shows in.
func (s *server) sample(ctx context.Context) (Sample, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.metricsURL, nil)
	if err != nil {
		return Sample{}, err
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return Sample{}, fmt.Errorf("soak: scrape: %w", err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		return Sample{}, fmt.Errorf("soak: scrape: %w", err)
	}
	value := func(name string) float64 {
		var sum float64
		if f, ok := families[name]; ok {
			for _, m := range f.GetMetric() {
				sum += m.GetGauge().GetValue() + m.GetCounter().GetValue() + m.GetUntyped().GetValue()
			}
		}
		return sum
	}
	return Sample{
		Players:    int(value("skirmish_players")),
		Conns:      int(value("skirmish_connections_open")),
		Goroutines: int(value("go_goroutines")),
		HeapBytes:  value("go_memstats_heap_inuse_bytes"),
		RSSBytes:   value("process_resident_memory_bytes"),
		FDs:        int(value("process_open_fds")),
	}, nil
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
