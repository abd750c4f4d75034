package servertest

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTick is the kernel's USER_HZ, the unit of /proc's CPU times: 100
// on every Linux a test runs on.
const clockTick = 10 * time.Millisecond

// CPU is the processor time (user and system) the process has used so
// far, from /proc (Linux; 10 ms resolution).
func (p *Process) CPU() (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		return 0, fmt.Errorf("servertest: cpu of %s: %w", p.Name, err)
	}
	// The command name, in parentheses, may hold spaces: fields count
	// from after its closing one (utime and stime are fields 14 and 15).
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("servertest: cpu of %s: short /proc stat", p.Name)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("servertest: cpu of %s: bad /proc stat", p.Name)
	}
	return time.Duration(utime+stime) * clockTick, nil
}
