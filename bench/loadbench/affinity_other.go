//go:build !linux

package loadbench

import (
	"errors"
	"os/exec"
	"syscall"
)

// childProcAttr has nothing to add outside Linux (where loadbench cannot
// read /proc anyway).
func childProcAttr() *syscall.SysProcAttr { return nil }

func splitCPUs() (server, loadgen []int, err error) {
	return nil, nil, errors.New("pinning needs Linux")
}

func startOn(cmd *exec.Cmd, cpus []int) error { return cmd.Start() }
