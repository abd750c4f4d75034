package server_test

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestMain fails the package when goroutines outlive the tests: every
// match loop, reader, writer and kick must end once its server is closed.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if err := checkNoLeaks(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	os.Exit(code)
}

func checkNoLeaks() error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		leaked := interestingGoroutines()
		if len(leaked) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("leaked goroutines:\n%s", strings.Join(leaked, "\n\n"))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// interestingGoroutines lists the stacks of goroutines other than the test
// runner's own.
func interestingGoroutines() []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		switch {
		case strings.Contains(g, "testing.(*M).Run"),
			strings.Contains(g, "testing.Main("),
			strings.Contains(g, "runtime.goexit") && strings.Contains(g, "created by runtime"),
			strings.Contains(g, "os/signal.signal_recv"),
			strings.Contains(g, "net/http.(*persistConn)"), // idle client keep-alives
			strings.Contains(g, "checkNoLeaks"),
			strings.TrimSpace(g) == "":
			continue
		}
		out = append(out, g)
	}
	return out
}
