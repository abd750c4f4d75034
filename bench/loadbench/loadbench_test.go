package loadbench

import (
	"encoding/binary"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/client/bot"
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

// promText is a scrape of a server's /metrics: a 3-bucket tick histogram
// (plus +Inf) and counters, the tick observations given cumulatively.
func promText(buckets [4]int, sum float64, bytesOut int) string {
	var b strings.Builder
	b.WriteString("# HELP skirmish_tick_duration_seconds Time one step took.\n# TYPE skirmish_tick_duration_seconds histogram\n")
	les := []string{"0.001", "0.002", "0.004", "+Inf"}
	for i, le := range les {
		b.WriteString("skirmish_tick_duration_seconds_bucket{le=\"" + le + "\"} " + itoa(buckets[i]) + "\n")
	}
	b.WriteString("skirmish_tick_duration_seconds_sum " + ftoa(sum) + "\n")
	b.WriteString("skirmish_tick_duration_seconds_count " + itoa(buckets[3]) + "\n")
	b.WriteString("skirmish_bytes_out_total " + itoa(bytesOut) + "\n")
	b.WriteString("skirmish_sessions_closed_by_server_total{code=\"1008\"} 2\n")
	b.WriteString("skirmish_sessions_closed_by_server_total{code=\"1001\"} 3 1700000000000\n")
	return b.String()
}

func itoa(n int) string     { return strconv.Itoa(n) }
func ftoa(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func TestPromParseValues(t *testing.T) {
	text := "# TYPE x counter\nx{a=\"q\\\"uo,te\"} 1.5e3 1700000000000\nx{a=\"b\"} 2\ny +Inf\n"
	p, err := parseProm(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := p.Value("x"); !ok || v != 1502 {
		t.Errorf("x sums to %v, %v; want 1502", v, ok)
	}
	if v, ok := p.Value("y"); !ok || !math.IsInf(v, 1) {
		t.Errorf("y = %v, %v", v, ok)
	}
	if _, ok := p.Value("z"); ok {
		t.Error("a missing metric has a value")
	}
	for _, bad := range []string{"novalue\n", "x{a=\"unterminated} 1\n", "x{a=b} 1\n", "x one\n"} {
		if _, err := parseProm(strings.NewReader(bad)); err == nil {
			t.Errorf("parseProm(%q) succeeded", bad)
		}
	}
}

func TestPromHistogramQuantileFromBucketDeltas(t *testing.T) {
	// Before the window: 1000 fast ticks. In the window: 100 ticks, 50 in
	// (0, 1ms], 40 in (1, 2ms], 9 in (2, 4ms], 1 in (4ms, +Inf).
	before, err := parseProm(strings.NewReader(promText([4]int{1000, 1000, 1000, 1000}, 0.5, 100)))
	if err != nil {
		t.Fatal(err)
	}
	after, err := parseProm(strings.NewReader(promText([4]int{1050, 1090, 1099, 1100}, 0.65, 700)))
	if err != nil {
		t.Fatal(err)
	}
	a, err := after.Histogram("skirmish_tick_duration_seconds")
	if err != nil {
		t.Fatal(err)
	}
	b, err := before.Histogram("skirmish_tick_duration_seconds")
	if err != nil {
		t.Fatal(err)
	}
	d, err := a.Sub(b)
	if err != nil {
		t.Fatal(err)
	}
	if d.Count != 100 || math.Abs(d.Sum-0.15) > 1e-9 {
		t.Errorf("delta count %v sum %v, want 100 and 0.15", d.Count, d.Sum)
	}
	for _, c := range []struct{ q, want float64 }{
		{0.25, 0.0005},              // halfway through the first bucket
		{0.50, 0.001},               // its top
		{0.70, 0.001 + 0.001*20/40}, // 20 of 40 into (1, 2ms]
		{0.95, 0.002 + 0.002*5/9.0}, // 5 of 9 into (2, 4ms]
		{0.999, 0.004},              // in +Inf: the highest finite bound
	} {
		if got := d.Quantile(c.q); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("Quantile(%v) = %v, want %v", c.q, got, c.want)
		}
	}
	if !math.IsInf(d.Max(), 1) {
		t.Errorf("Max = %v, want +Inf (one observation above 4ms)", d.Max())
	}
	if got := maxText(d); got != "> 4.00" {
		t.Errorf("maxText = %q", got)
	}
	if m := d.Mean(); math.Abs(m-0.0015) > 1e-12 {
		t.Errorf("Mean = %v", m)
	}

	// Before any tick, the histogram is empty: NaN, not a guess.
	if empty, _ := b.Sub(b); !math.IsNaN(empty.Quantile(0.99)) || !math.IsNaN(empty.Max()) {
		t.Error("an empty histogram has quantiles")
	}
	if _, err := b.Sub(a); err == nil {
		t.Error("a histogram going backwards subtracted")
	}
	if _, err := after.Histogram("skirmish_tick_lateness_seconds"); err == nil {
		t.Error("a missing histogram was found")
	}
	if v, _ := after.Value("skirmish_sessions_closed_by_server_total"); v != 5 {
		t.Errorf("labelled counter sums to %v, want 5", v)
	}
}

func TestLoadbenchMetricDeltasNeedServerMetrics(t *testing.T) {
	text := promText([4]int{10, 10, 10, 10}, 0.01, 100)
	p, _ := parseProm(strings.NewReader(text))
	if _, err := metricDeltas(p, p); err == nil {
		t.Error("a scrape without lateness and counters passed")
	}
}

func TestLoadbenchFlags(t *testing.T) {
	f, err := ParseFlags([]string{"-smoke", "-window", "2s"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.CCUs) != 1 || f.CCUs[0] != 32 || f.Window != 2*time.Second || f.Ramp != time.Second || f.Big || len(f.Interest) != 2 {
		t.Errorf("smoke flags %+v", f)
	}
	f, err = ParseFlags(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{256, 512, 1024, 2048}; len(f.CCUs) != 4 || f.CCUs[3] != want[3] || !f.Big || f.Window != 20*time.Second {
		t.Errorf("default flags %+v", f)
	}
	for _, bad := range [][]string{{"-ccu", "256,x"}, {"-ccu", "0"}, {"-interest", "maybe"}, {"-window", "10ms"}, {"extra"}} {
		if _, err := ParseFlags(bad, io.Discard); err == nil {
			t.Errorf("flags %q accepted", bad)
		}
	}
}

// heldStep is a step that held, for the verdict and report tests.
func heldStep(interest bool, ccu int) stepResult {
	late := promHistogram{Buckets: []promBucket{{0.0005, 990}, {0.001, 1000}, {math.Inf(1), 1000}}, Count: 1000, Sum: 0.3}
	return stepResult{
		Config:    stepConfig{Interest: interest, CCU: ccu},
		Window:    10 * time.Second,
		ServerCPU: 2 * time.Second,
		IdleRSS:   10e6, PeakRSS: 10e6 + uint64(ccu)*20e3,
		Tick: late, Lateness: late,
		BytesOut: float64(ccu) * 10 * 2000,
		Matches:  float64(ccu / 16),
		Bots:     bot.Summary{Bots: ccu, Connects: ccu, SnapshotsPerSecP50: 20, BytesPerSecP50: 2100},
	}
}

func TestLoadbenchVerdict(t *testing.T) {
	r := heldStep(false, 1024)
	if p := r.Problems(); len(p) != 0 {
		t.Fatalf("problems %q", p)
	}
	if got := r.CPUPerClientSec(); math.Abs(got-2000.0/10240) > 1e-9 {
		t.Errorf("CPU ms per client-second %v", got)
	}
	if got := r.RSSPerClient(); math.Abs(got-20) > 1e-9 {
		t.Errorf("RSS per client %v KB, want 20", got)
	}
	if got := r.ServerKBps(); math.Abs(got-2) > 1e-9 {
		t.Errorf("server KB/s per client %v, want 2", got)
	}
	r.Dropped = 3
	r.Bots.SnapshotsPerSecP50 = 12
	r.Bots.Disconnects = 50
	if p := r.Problems(); len(p) != 3 {
		t.Errorf("problems %q, want dropped ticks, snapshot rate and disconnects", p)
	}
}

func TestLoadbenchMarkdown(t *testing.T) {
	run := &benchRun{Started: time.Now(), Command: "skirmish loadbench", HZ: 100, Window: 10 * time.Second}
	run.Steps = []stepOutcome{
		{Result: heldStep(false, 1024)},
		{Result: heldStep(true, 1024)},
		{Result: stepResult{Config: stepConfig{Interest: true, CCU: 2048}}, Err: io.ErrUnexpectedEOF},
	}
	var b strings.Builder
	if err := run.writeMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"| off | 1024 | 64 | 20 | 0.195 | 20.0 | 2.10 / 2.00 | 20.0 |",
		"| on | 2048 | | | | | | | | | | | harness error: unexpected EOF |",
		"server CPU per client-second: 0.195 ms ≤ 0.2 ms: **met**",
		"KB/s per client (the larger of bots p50 and server): 2.1 KB/s ≤ 2.5 KB/s: **met**",
		"one 256-player match: not measured",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
}

func TestLoadbenchServeFlagNames(t *testing.T) {
	usage := "Usage of skirmish serve:\n  -addr string\n    \taddress to listen on (default \":8080\")\n  -max-players int\n    \tplayers per match\n  -web string\n    \tdirectory\n"
	got := parseFlagNames(usage)
	for _, want := range []string{"addr", "max-players", "web"} {
		if !got[want] {
			t.Errorf("%s not found in %v", want, got)
		}
	}
	if len(got) != 3 {
		t.Errorf("found %v, want 3 flags", got)
	}
}
