package loadbench

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"

	"golang.org/x/sys/unix"
)

// childProcAttr makes the kernel send the server child SIGTERM should the
// load tool die first, so no server outlives a benchmark.
func childProcAttr() *unix.SysProcAttr {
	return &unix.SysProcAttr{Pdeathsig: unix.SIGTERM}
}

// splitCPUs gives the server the first CPU this process may run on and the
// load tool the others: pinned, the two stop taking each other's time
// slices, so lateness measures the server rather than the kernel's
// sharing of two busy processes. It pins every thread of this process
// (threads made later inherit it) and returns the server's CPUs.
func splitCPUs() (server []int, loadgen []int, err error) {
	var all unix.CPUSet
	if err := unix.SchedGetaffinity(0, &all); err != nil {
		return nil, nil, fmt.Errorf("read CPU affinity: %w", err)
	}
	for c := 0; c < 1024 && len(server)+len(loadgen) < all.Count(); c++ {
		if !all.IsSet(c) {
			continue
		}
		if server == nil {
			server = []int{c}
		} else {
			loadgen = append(loadgen, c)
		}
	}
	if len(loadgen) == 0 {
		return nil, nil, fmt.Errorf("pinning needs at least 2 CPUs, this process may use %d", all.Count())
	}
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return nil, nil, fmt.Errorf("list threads: %w", err)
	}
	set := cpuSet(loadgen)
	for _, t := range tasks {
		tid, err := strconv.Atoi(t.Name())
		if err != nil {
			continue
		}
		if err := unix.SchedSetaffinity(tid, &set); err != nil && err != unix.ESRCH {
			return nil, nil, fmt.Errorf("pin thread %d: %w", tid, err)
		}
	}
	return server, loadgen, nil
}

// startOn starts cmd on cpus only: the child inherits the affinity of the
// thread that forks it, so that thread is pinned for the start.
func startOn(cmd *exec.Cmd, cpus []int) error {
	if len(cpus) == 0 {
		return cmd.Start()
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var old unix.CPUSet
	if err := unix.SchedGetaffinity(0, &old); err != nil {
		return fmt.Errorf("read CPU affinity: %w", err)
	}
	set := cpuSet(cpus)
	if err := unix.SchedSetaffinity(0, &set); err != nil {
		return fmt.Errorf("pin the server: %w", err)
	}
	defer unix.SchedSetaffinity(0, &old)
	return cmd.Start()
}

func cpuSet(cpus []int) unix.CPUSet {
	var s unix.CPUSet
	for _, c := range cpus {
		s.Set(c)
	}
	return s
}
