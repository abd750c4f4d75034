package soak

import "syscall"

// childProcAttr has the kernel stop the server should the soak die first.
func childProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM} }
