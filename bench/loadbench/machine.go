package loadbench

import (
	"bufio"
	"bytes"
	"os"
	"runtime"
	"strings"
)

// machine describes where a benchmark ran.
type machine struct {
	CPUs     int
	CPUModel string
	Memory   string // MemTotal from /proc/meminfo
	Kernel   string
	Go       string
}

// describeMachine reads the machine's description from /proc; what it
// cannot read it leaves as "unknown".
func describeMachine() machine {
	m := machine{
		CPUs:     runtime.NumCPU(),
		CPUModel: procField("/proc/cpuinfo", "model name"),
		Memory:   procField("/proc/meminfo", "MemTotal"),
		Kernel:   "unknown",
		Go:       runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH,
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = "Linux " + strings.TrimSpace(string(b))
	}
	return m
}

// procField is the value of the first "key: value" line of a /proc file.
func procField(path, key string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "unknown"
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// loadAverage is the first three fields of /proc/loadavg (1, 5 and 15
// minutes).
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
