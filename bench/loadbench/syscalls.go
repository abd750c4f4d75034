package loadbench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// syscallCounter counts a process's system calls over a window with
// `perf stat -e raw_syscalls:sys_enter` (every thread of the process, in
// the kernel, without stopping it as strace would). It needs perf and
// the right to read tracepoints (root, or perf_event_paranoid ≤ -1).
type syscallCounter struct {
	cmd *exec.Cmd
	out bytes.Buffer
}

// startSyscallCount starts counting pid's system calls for window.
func startSyscallCount(ctx context.Context, pid string, window time.Duration) (*syscallCounter, error) {
	c := &syscallCounter{}
	secs := strconv.FormatFloat(window.Seconds(), 'f', 3, 64)
	c.cmd = exec.CommandContext(ctx, "perf", "stat", "-x", ",", "-e", "raw_syscalls:sys_enter", "-p", pid, "--", "sleep", secs)
	c.cmd.Stderr = &c.out
	c.cmd.WaitDelay = 5 * time.Second
	if err := c.cmd.Start(); err != nil {
		return nil, fmt.Errorf("perf: %w", err)
	}
	return c, nil
}

// wait returns the count.
func (c *syscallCounter) wait() (uint64, error) {
	if err := c.cmd.Wait(); err != nil {
		return 0, fmt.Errorf("perf: %w: %s", err, firstLine(c.out.String()))
	}
	return parsePerfCount(c.out.String(), "raw_syscalls:sys_enter")
}

// parsePerfCount reads an event's count out of `perf stat -x ,` output:
// lines of value,unit,event,…
func parsePerfCount(out, event string) (uint64, error) {
	for line := range strings.SplitSeq(out, "\n") {
		f := strings.Split(line, ",")
		if len(f) < 3 || f[2] != event {
			continue
		}
		n, err := strconv.ParseUint(f[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("perf: %s: %q: %w", event, f[0], err) // "<not supported>", "<not counted>"
		}
		return n, nil
	}
	return 0, errors.New("perf: no count for " + event + ": " + firstLine(out))
}

// countSyscalls starts counting pid's system calls over window when on;
// the returned function waits for the count, or says why there is none.
func countSyscalls(ctx context.Context, on bool, pid string, window time.Duration) func() (uint64, string) {
	if !on {
		return func() (uint64, string) { return 0, "" }
	}
	c, err := startSyscallCount(ctx, pid, window)
	if err != nil {
		return func() (uint64, string) { return 0, err.Error() }
	}
	return func() (uint64, string) {
		n, err := c.wait()
		if err != nil {
			return 0, err.Error()
		}
		return n, ""
	}
}
