package loadbench

import (
	"encoding/binary"
	"testing"
	"time"
)

func TestProcStatNameWithSpacesAndParens(t *testing.T) {
	// Fields 14 and 15 (utime, stime) are 1234 and 567; the name holds
	// spaces, parentheses and what looks like numbers.
	stat := "4242 (sk (i) rm) 1 2 3) S 1 4242 4242 0 -1 4194560 1500 0 0 0 1234 567 0 0 20 0 9 0 12345 1234567 890 18446744073709551615\n"
	got, err := parseProcStat([]byte(stat))
	if err != nil {
		t.Fatal(err)
	}
	if got.UTime != 1234 || got.STime != 567 {
		t.Fatalf("utime, stime = %d, %d; want 1234, 567", got.UTime, got.STime)
	}
	if d := got.Total(100); d != 18010*time.Millisecond {
		t.Errorf("Total(100) = %v, want 18.01s", d)
	}
}

func TestProcStatMalformed(t *testing.T) {
	for _, stat := range []string{
		"",
		"4242 skirmish S 1 2 3",
		"4242 (skirmish) S 1 2 3",
		"4242 (skirmish) S 1 4242 4242 0 -1 4194560 1500 0 0 0 x 567 0",
	} {
		if _, err := parseProcStat([]byte(stat)); err == nil {
			t.Errorf("parseProcStat(%q) succeeded", stat)
		}
	}
}

func TestProcStatusRSSAndHWM(t *testing.T) {
	status := "Name:\tskirmish\nState:\tS (sleeping)\nVmPeak:\t 1300000 kB\nVmHWM:\t   20480 kB\nVmRSS:\t   10240 kB\nThreads:\t7\n"
	got, err := parseProcStatus([]byte(status))
	if err != nil {
		t.Fatal(err)
	}
	if got.RSS != 10240*1024 || got.HWM != 20480*1024 {
		t.Fatalf("got %+v, want RSS 10 MiB and HWM 20 MiB", got)
	}
	if _, err := parseProcStatus([]byte("Name:\tkthreadd\nState:\tS (sleeping)\n")); err == nil {
		t.Error("a status without VmRSS parsed")
	}
	if _, err := parseProcStatus([]byte("VmHWM:\t12 MB\nVmRSS:\t1 kB\n")); err == nil {
		t.Error("a status in an unknown unit parsed")
	}
}

func TestProcAuxvClockTicks(t *testing.T) {
	aux := func(pairs ...uint64) []byte {
		b := make([]byte, 0, 8*len(pairs))
		for _, v := range pairs {
			b = binary.NativeEndian.AppendUint64(b, v)
		}
		return b
	}
	if hz, ok := parseAuxvClockTicks(aux(6, 4096, atClockTicks, 250, 0, 0), 8); !ok || hz != 250 {
		t.Errorf("got %d, %v; want 250", hz, ok)
	}
	if _, ok := parseAuxvClockTicks(aux(6, 4096, 0, 0, atClockTicks, 250), 8); ok {
		t.Error("read past AT_NULL")
	}
	if hz := clockTicks(); hz <= 0 {
		t.Errorf("clockTicks() = %d", hz)
	}
}

func TestProcMachineStat(t *testing.T) {
	stat := "cpu  100 5 50 1000 20 1 2 3 40 0\ncpu0 50 2 25 500 10 0 1 1 20 0\nintr 1 2 3\n"
	got, err := parseMachineStat([]byte(stat))
	if err != nil {
		t.Fatal(err)
	}
	// busy: user nice system irq softirq steal; guest (40) is in user.
	if got.Busy != 100+5+50+1+2+3 || got.Total != 100+5+50+1000+20+1+2+3 {
		t.Fatalf("got %+v", got)
	}
}
