package loadbench

import (
	"fmt"
	"math"
	"time"
)

// When a step counts as held: the server kept its tick and delivered state
// at (nearly) the configured rate to every bot.
const (
	holdMaxLatenessP99   = 5 * time.Millisecond
	holdMinSnapshotsP50  = 18 // of 20 a second
	holdMaxDisconnectPct = 1  // % of CCU
)

// kb is the unit of the report's KB figures: 1000 bytes (the stricter
// reading of the targets).
const kb = 1000.0

func (r *stepResult) windowSecs() float64 { return r.Window.Seconds() }

// CPUPercent is the server's CPU time over the window, in % of one core.
func (r *stepResult) CPUPercent() float64 {
	return 100 * r.ServerCPU.Seconds() / r.windowSecs()
}

// CPUPerClientSec is the server's CPU milliseconds per client-second.
func (r *stepResult) CPUPerClientSec() float64 {
	return float64(r.ServerCPU) / float64(time.Millisecond) / (float64(r.Config.CCU) * r.windowSecs())
}

// LoadgenPercent is this process's CPU (bots) over the window, in % of one
// core.
func (r *stepResult) LoadgenPercent() float64 {
	return 100 * r.LoadgenCPU.Seconds() / r.windowSecs()
}

// OthersPercent is the CPU every other process on the machine used over
// the window, in % of one core: the neighbours' share of a shared machine.
func (r *stepResult) OthersPercent() float64 {
	return 100 * max(r.MachineBusy-r.ServerCPU-r.LoadgenCPU, 0).Seconds() / r.windowSecs()
}

// RSSPerClient is the server's peak resident memory above idle, in KB per
// client.
func (r *stepResult) RSSPerClient() float64 {
	return (float64(r.PeakRSS) - float64(r.IdleRSS)) / kb / float64(r.Config.CCU)
}

// BotKBps is the bots' received bytes a second, p50 over bots, in KB.
func (r *stepResult) BotKBps() float64 { return r.Bots.BytesPerSecP50 / kb }

// ServerKBps is the server's bytes out over the window per client, in KB/s.
func (r *stepResult) ServerKBps() float64 {
	return r.BytesOut / float64(r.Config.CCU) / r.windowSecs() / kb
}

// Problems lists why the step does not count as held; none means held.
func (r *stepResult) Problems() []string {
	var p []string
	if late := r.Lateness.Quantile(0.99); late > holdMaxLatenessP99.Seconds() {
		p = append(p, fmt.Sprintf("lateness p99 %.1f ms > %v", late*1e3, holdMaxLatenessP99))
	}
	if r.Dropped > 0 {
		p = append(p, fmt.Sprintf("%.0f ticks dropped", r.Dropped))
	}
	if r.Bots.SnapshotsPerSecP50 < holdMinSnapshotsP50 {
		p = append(p, fmt.Sprintf("snapshots/s p50 %.1f < %d", r.Bots.SnapshotsPerSecP50, holdMinSnapshotsP50))
	}
	if r.Bots.BotsWithoutSnapshots > 0 {
		p = append(p, fmt.Sprintf("%d bots never got a snapshot", r.Bots.BotsWithoutSnapshots))
	}
	if r.Bots.ConnectFailures > 0 {
		p = append(p, fmt.Sprintf("%d failed connects", r.Bots.ConnectFailures))
	}
	if 100*r.Bots.Disconnects > holdMaxDisconnectPct*r.Config.CCU {
		p = append(p, fmt.Sprintf("%d disconnects", r.Bots.Disconnects))
	}
	return p
}

// Held reports whether the server held the workload.
func (r *stepResult) Held() bool { return len(r.Problems()) == 0 }

// msText formats seconds as milliseconds; "–" for no value.
func msText(secs float64) string {
	switch {
	case math.IsNaN(secs):
		return "–"
	case math.IsInf(secs, 1):
		return "> 150"
	}
	return fmt.Sprintf("%.2f", secs*1e3)
}
