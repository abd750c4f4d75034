//go:build !linux

package soak

import "syscall"

func childProcAttr() *syscall.SysProcAttr { return nil }
