//go:build linux

package floor

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// The loop's system calls go straight to the kernel (RawSyscall): the Go
// scheduler's bookkeeping around a system call is no part of the floor,
// and a blocking epoll_wait made the usual way lets sysmon hand the
// thread's P off, which costs futex wake-ups and context switches a C
// event loop does not make (measured: a third of the floor's system calls
// at 64 CCU). The loop owns its thread, and reads and writes never block
// (the sockets are non-blocking); the rest of the process (signals, GC)
// runs on other threads, and a preemption signal only cuts a wait short
// (EINTR).

// epollWait is epoll_pwait(2) with no signal mask.
func epollWait(epfd int, events []unix.EpollEvent, msec int) (int, error) {
	r, _, e := unix.RawSyscall6(unix.SYS_EPOLL_PWAIT, uintptr(epfd), uintptr(unsafe.Pointer(&events[0])), uintptr(len(events)), uintptr(msec), 0, 0)
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

// rawRead is read(2) on a non-blocking socket.
func rawRead(fd int, p []byte) (int, error) {
	r, _, e := unix.RawSyscall(unix.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)))
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

// rawWrite is write(2) on a non-blocking socket.
func rawWrite(fd int, p []byte) (int, error) {
	r, _, e := unix.RawSyscall(unix.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)))
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}
