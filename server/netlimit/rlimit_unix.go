//go:build unix

package netlimit

import (
	"fmt"
	"syscall"
)

// RaiseFDLimit raises the soft limit on open files to the hard limit and
// returns the soft limit now in force.
func RaiseFDLimit() (uint64, error) {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		return 0, fmt.Errorf("netlimit: open-file limit: %w", err)
	}
	if r.Cur < r.Max {
		want := r
		want.Cur = r.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &want); err != nil {
			return uint64(r.Cur), fmt.Errorf("netlimit: raise the open-file limit to %d: %w", r.Max, err)
		}
		r = want
	}
	return uint64(r.Cur), nil
}
