//go:build !linux

package main

import "syscall"

// childProcAttr has nothing to add outside Linux (where loadbench cannot
// read /proc anyway).
func childProcAttr() *syscall.SysProcAttr { return nil }
