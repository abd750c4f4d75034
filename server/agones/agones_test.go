package agones_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/server/agones"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// host is a host's status the test changes under the link.
type host struct {
	mu sync.Mutex
	st agones.Status
	n  int // reads
}

func (h *host) reads() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.n
}

func (h *host) set(st agones.Status) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.st = st
}

func (h *host) get() agones.Status {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.n++
	return h.st
}

// start runs a link to sdk for the test's duration, with short intervals.
func start(t *testing.T, sdk *servertest.AgonesSDK, h *host, logs *servertest.Logs) (*agones.SDK, context.CancelFunc) {
	t.Helper()
	link, err := agones.New(agones.Options{
		URL: sdk.URL, Status: h.get, Capacity: 8, Region: "eu",
		HealthInterval: 5 * time.Millisecond, SyncInterval: 5 * time.Millisecond, CallTimeout: time.Second,
		Logger: logs.Logger(),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		link.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return link, cancel
}

func TestLifecycle(t *testing.T) {
	sdk := servertest.StartAgonesSDK(t)
	h := &host{st: agones.Status{State: "starting"}}
	link, _ := start(t, sdk, h, &servertest.Logs{})

	servertest.WaitFor(t, "health pings and the players counter", func() bool {
		n, c := sdk.Counter("players")
		return sdk.Count("POST", "/health") >= 2 && n == 0 && c == 8
	})
	if got := sdk.State(); got != "Scheduled" {
		t.Fatalf("a starting host made its GameServer %s", got)
	}

	steps := []struct {
		name             string
		host             agones.Status
		state            string
		players, matches int64
	}{
		{"ready", agones.Status{State: "ready"}, "Ready", 0, 0},
		{"first match", agones.Status{State: "allocated", Players: 3, Matches: 1}, "Allocated", 3, 1},
		{"more players", agones.Status{State: "allocated", Players: 7, Matches: 2}, "Allocated", 7, 2},
		{"matches over", agones.Status{State: "ready"}, "Ready", 0, 0},
		{"allocated again", agones.Status{State: "allocated", Players: 2, Matches: 1}, "Allocated", 2, 1},
		{"draining", agones.Status{State: "draining", Players: 1, Matches: 1}, "Allocated", 1, 1},
		{"stopped", agones.Status{State: "stopped"}, "Allocated", 0, 0},
	}
	for _, s := range steps {
		h.set(s.host)
		servertest.WaitFor(t, s.name, func() bool {
			p, _ := sdk.Counter("players")
			m, _ := sdk.Counter("matches")
			return sdk.State() == s.state && p == s.players && m == s.matches
		})
	}
	if got := sdk.Label("region"); got != "eu" {
		t.Errorf("region label %q, want eu", got)
	}
	if err := link.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := sdk.State(); got != "Shutdown" {
		t.Errorf("after Shutdown the GameServer is %s", got)
	}

	// The GameServer is labelled and counted before it is Ready; Allocate
	// is sent once per allocation, not once per sync.
	calls := sdk.Calls()
	first := func(method, path string) int {
		return slices.IndexFunc(calls, func(c servertest.AgonesCall) bool { return c.Method == method && c.Path == path })
	}
	ready := first("POST", "/ready")
	if l, p := first("PUT", "/metadata/label"), first("PATCH", "/v1beta1/counters/players"); l < 0 || p < 0 || l > ready || p > ready {
		t.Errorf("label at call %d and players counter at %d, Ready at %d: want both before Ready", l, p, ready)
	}
	if n := sdk.Count("POST", "/allocate"); n != 2 {
		t.Errorf("%d Allocate calls for 2 allocations", n)
	}
	if n := sdk.Count("POST", "/ready"); n != 2 {
		t.Errorf("%d Ready calls for 2 times ready", n)
	}
}

// A host that got its first match before the link's first sync is made
// Ready, then Allocated.
func TestAllocatedAtOnce(t *testing.T) {
	sdk := servertest.StartAgonesSDK(t)
	h := &host{st: agones.Status{State: "allocated", Players: 2, Matches: 1}}
	start(t, sdk, h, &servertest.Logs{})
	servertest.WaitFor(t, "Allocated", func() bool { return sdk.State() == "Allocated" })
	var lifecycle []string
	for _, c := range sdk.Calls() {
		if c.Path == "/ready" || c.Path == "/allocate" {
			lifecycle = append(lifecycle, c.Path)
		}
	}
	if want := []string{"/ready", "/allocate"}; !slices.Equal(lifecycle, want) {
		t.Errorf("lifecycle calls %v, want %v", lifecycle, want)
	}
}

func TestFailingSDK(t *testing.T) {
	sdk := servertest.StartAgonesSDK(t)
	sdk.SetFailing(true)
	h := &host{st: agones.Status{State: "ready", Players: 1, Matches: 1}}
	logs := &servertest.Logs{}
	start(t, sdk, h, logs)

	servertest.WaitFor(t, "retries", func() bool {
		return sdk.Count("PUT", "/metadata/label") >= 3 && sdk.Count("POST", "/health") >= 3
	})
	if got := sdk.State(); got != "Scheduled" {
		t.Fatalf("state %s through a failing SDK", got)
	}
	// A run of failures is one warning per kind of call, not one a try.
	for _, w := range logs.With(t, "agones: SDK call failed: retrying") {
		if w["level"] != "WARN" {
			t.Errorf("failure logged at %v", w["level"])
		}
	}
	if n := len(logs.With(t, "agones: SDK call failed: retrying")); n != 2 {
		t.Errorf("%d warnings for failing health and sync calls, want 2", n)
	}

	sdk.SetFailing(false)
	servertest.WaitFor(t, "Ready once the SDK answers", func() bool {
		p, _ := sdk.Counter("players")
		return sdk.State() == "Ready" && p == 1 && sdk.Label("region") == "eu"
	})
	if n := len(logs.With(t, "agones: the SDK server answers again")); n < 1 {
		t.Errorf("no line saying the SDK answers again")
	}
}

func TestDeadSDK(t *testing.T) {
	sdk := servertest.StartAgonesSDK(t)
	sdk.Close()
	h := &host{st: agones.Status{State: "allocated", Players: 4, Matches: 1}}
	link, cancel := start(t, sdk, h, &servertest.Logs{})

	// The link keeps reading the host's status and retrying: a dead
	// sidecar stops nothing and stalls nothing.
	before := h.reads()
	servertest.WaitFor(t, "the status read again", func() bool { return h.reads() >= before+3 })

	ctx, cancelShutdown := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancelShutdown()
	if err := link.Shutdown(ctx); err == nil {
		t.Error("Shutdown to a dead SDK server reported success")
	}
	cancel() // Run returns (the cleanup waits for it)
}

func TestNewNeedsStatus(t *testing.T) {
	if _, err := agones.New(agones.Options{}); err == nil {
		t.Error("New without Status: no error")
	}
	if got := agones.URL(""); got != "http://localhost:9358" {
		t.Errorf("URL(\"\") = %q", got)
	}
	if got := agones.URL("9999"); got != "http://localhost:9999" {
		t.Errorf("URL(\"9999\") = %q", got)
	}
}
