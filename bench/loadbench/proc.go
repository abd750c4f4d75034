package loadbench

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"
)

// defaultClockTicks is USER_HZ, the unit of utime and stime in
// /proc/<pid>/stat, when the auxiliary vector does not say: Go cannot call
// sysconf(_SC_CLK_TCK) without cgo, and the kernel reports 100 to user
// space on every mainstream Linux architecture (it is what `getconf
// CLK_TCK` prints), whatever its internal HZ.
const defaultClockTicks = 100

// atClockTicks is AT_CLKTCK, the auxiliary vector entry that carries what
// sysconf(_SC_CLK_TCK) returns.
const atClockTicks = 17

// procCPU is the CPU time a process has used: user and system, in clock
// ticks (USER_HZ).
type procCPU struct {
	UTime, STime uint64
}

// Total is the process's CPU time at hz ticks a second.
func (c procCPU) Total(hz int) time.Duration {
	ticks := c.UTime + c.STime
	return time.Duration(ticks) * time.Second / time.Duration(hz)
}

// procMem is a process's resident memory from /proc/<pid>/status, in bytes:
// now (VmRSS) and its peak (VmHWM).
type procMem struct {
	RSS, HWM uint64
}

// parseProcStat reads utime and stime (fields 14 and 15) out of the text
// of /proc/<pid>/stat. The second field, the command name in parentheses,
// may itself hold spaces and parentheses, so fields are counted from the
// last ')'.
func parseProcStat(b []byte) (procCPU, error) {
	end := bytes.LastIndexByte(b, ')')
	if end < 0 {
		return procCPU{}, errors.New("proc stat: no ')' closing the command name")
	}
	// After the name: field 3 (state) is rest[0], so field n is rest[n-3].
	rest := bytes.Fields(b[end+1:])
	if len(rest) < 13 {
		return procCPU{}, fmt.Errorf("proc stat: %d fields after the command name, want at least 13", len(rest))
	}
	utime, err := strconv.ParseUint(string(rest[14-3]), 10, 64)
	if err != nil {
		return procCPU{}, fmt.Errorf("proc stat: utime: %w", err)
	}
	stime, err := strconv.ParseUint(string(rest[15-3]), 10, 64)
	if err != nil {
		return procCPU{}, fmt.Errorf("proc stat: stime: %w", err)
	}
	return procCPU{UTime: utime, STime: stime}, nil
}

// parseProcStatus reads VmRSS and VmHWM (reported in kB, that is KiB) out
// of the text of /proc/<pid>/status.
func parseProcStatus(b []byte) (procMem, error) {
	var m procMem
	var seen int
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		key, val, ok := bytes.Cut(sc.Bytes(), []byte(":"))
		if !ok {
			continue
		}
		var dst *uint64
		switch string(key) {
		case "VmRSS":
			dst = &m.RSS
		case "VmHWM":
			dst = &m.HWM
		default:
			continue
		}
		f := bytes.Fields(val)
		if len(f) != 2 || string(f[1]) != "kB" {
			return procMem{}, fmt.Errorf("proc status: %s: unexpected value %q", key, val)
		}
		kib, err := strconv.ParseUint(string(f[0]), 10, 64)
		if err != nil {
			return procMem{}, fmt.Errorf("proc status: %s: %w", key, err)
		}
		*dst = kib * 1024
		seen++
	}
	if err := sc.Err(); err != nil {
		return procMem{}, fmt.Errorf("proc status: %w", err)
	}
	if seen < 2 {
		return procMem{}, errors.New("proc status: VmRSS or VmHWM missing (a kernel thread or a zombie?)")
	}
	return m, nil
}

// parseAuxvClockTicks finds AT_CLKTCK in the bytes of /proc/self/auxv:
// pairs of native words (type, value), ended by AT_NULL.
func parseAuxvClockTicks(b []byte, wordSize int) (int, bool) {
	word := func(p []byte) uint64 {
		if wordSize == 4 {
			return uint64(binary.NativeEndian.Uint32(p))
		}
		return binary.NativeEndian.Uint64(p)
	}
	for len(b) >= 2*wordSize {
		typ, val := word(b), word(b[wordSize:])
		b = b[2*wordSize:]
		switch {
		case typ == 0:
			return 0, false
		case typ == atClockTicks && val > 0 && val <= 1_000_000:
			return int(val), true
		}
	}
	return 0, false
}

// clockTicks is USER_HZ as the kernel told this process, or 100.
func clockTicks() int {
	b, err := os.ReadFile("/proc/self/auxv")
	if err != nil {
		return defaultClockTicks
	}
	if hz, ok := parseAuxvClockTicks(b, strconv.IntSize/8); ok {
		return hz
	}
	return defaultClockTicks
}

// readProcCPU reads the CPU time of process pid ("self" for this one).
func readProcCPU(pid string) (procCPU, error) {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return procCPU{}, fmt.Errorf("read cpu time: %w", err)
	}
	return parseProcStat(b)
}

// readProcMem reads the resident memory of process pid.
func readProcMem(pid string) (procMem, error) {
	b, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return procMem{}, fmt.Errorf("read memory: %w", err)
	}
	return parseProcStatus(b)
}

// machineCPU is the whole machine's CPU time from the "cpu" line of
// /proc/stat, in clock ticks summed over CPUs: busy, and in all.
type machineCPU struct {
	Busy, Total uint64
}

// parseMachineStat reads the aggregate "cpu" line of /proc/stat: user
// nice system idle iowait irq softirq steal ...; idle and iowait are not
// busy. Guest time is already part of user and nice, so it is left out.
func parseMachineStat(b []byte) (machineCPU, error) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := bytes.Fields(sc.Bytes())
		if len(f) == 0 || string(f[0]) != "cpu" {
			continue
		}
		if len(f) < 5 {
			return machineCPU{}, errors.New("proc stat: short cpu line")
		}
		var m machineCPU
		for i, v := range f[1:min(len(f), 9)] { // up to steal
			n, err := strconv.ParseUint(string(v), 10, 64)
			if err != nil {
				return machineCPU{}, fmt.Errorf("proc stat: cpu line: %w", err)
			}
			m.Total += n
			if i != 3 && i != 4 { // idle, iowait
				m.Busy += n
			}
		}
		return m, nil
	}
	return machineCPU{}, errors.New("proc stat: no cpu line")
}

// readMachineCPU reads the machine's CPU times.
func readMachineCPU() (machineCPU, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return machineCPU{}, fmt.Errorf("read machine cpu time: %w", err)
	}
	return parseMachineStat(b)
}

// parseCtxSwitches reads voluntary_ctxt_switches and
// nonvoluntary_ctxt_switches out of the text of a task's status.
func parseCtxSwitches(b []byte) uint64 {
	var n uint64
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		key, val, ok := bytes.Cut(sc.Bytes(), []byte(":"))
		if ok && (string(key) == "voluntary_ctxt_switches" || string(key) == "nonvoluntary_ctxt_switches") {
			v, _ := strconv.ParseUint(string(bytes.TrimSpace(val)), 10, 64)
			n += v
		}
	}
	return n
}

// readCtxSwitches is the context switches of every live thread of process
// pid (a process's own status counts only its main thread); 0 when
// unreadable, since it is a detail of the report.
func readCtxSwitches(pid string) uint64 {
	tasks, _ := os.ReadDir("/proc/" + pid + "/task")
	var n uint64
	for _, t := range tasks {
		if b, err := os.ReadFile("/proc/" + pid + "/task/" + t.Name() + "/status"); err == nil {
			n += parseCtxSwitches(b)
		}
	}
	return n
}

// countSince is now-before, or 0 when threads that exited took more than
// the window added.
func countSince(now, before uint64) uint64 {
	if now < before {
		return 0
	}
	return now - before
}
