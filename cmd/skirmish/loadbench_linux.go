package main

import "syscall"

// childProcAttr makes the kernel send the server child SIGTERM should the
// load tool die first, so no server outlives a benchmark.
func childProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
