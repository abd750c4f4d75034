package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/skirmishgg/skirmish/client/bot"
	"github.com/skirmishgg/skirmish/client/clientnet"
	"github.com/skirmishgg/skirmish/matchmaking"
	"github.com/skirmishgg/skirmish/matchmaking/redisstore"
	"github.com/skirmishgg/skirmish/matchmaking/storetest"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/servertest"
	"github.com/skirmishgg/skirmish/server/setup"
)

// cluster is Redis, matchmakers and hosts, each a real process of the
// built binary.
type cluster struct {
	t          *testing.T
	bin        string
	redis      *storetest.Redis
	key, pub   string
	matchmaker []*servertest.Process
	hosts      map[string]*servertest.Process
	capacity   int
}

func startCluster(t *testing.T, matchmakers int, hostIDs []string, capacity int) *cluster {
	t.Helper()
	c := &cluster{t: t, bin: servertest.BuildCommand(t, "./cmd/skirmish"), hosts: map[string]*servertest.Process{}, capacity: capacity}
	c.redis = storetest.StartRedis(t, &storetest.RedisOptions{AOF: true})
	c.key = filepath.Join(t.TempDir(), "token")
	if err := setup.WriteKeyPair(c.key, nil); err != nil {
		t.Fatal(err)
	}
	c.pub = c.key + ".pub"
	for i := range matchmakers {
		c.matchmaker = append(c.matchmaker, servertest.StartProcess(t, fmt.Sprintf("matchmaker %d", i), c.bin, "matchmaker",
			"-addr", "127.0.0.1:0", "-redis", c.redis.URL, "-token-key", c.key, "-log-level", "warn",
			"-max-conns-per-ip", "0", "-max-tickets-per-ip", "0", "-guest-rate", "0")) // every bot is a guest from 127.0.0.1
	}
	for _, id := range hostIDs {
		c.startHost(id)
	}
	return c
}

func (c *cluster) startHost(id string) *servertest.Process {
	c.t.Helper()
	p := servertest.StartProcess(c.t, "host "+id, c.bin, "host", "-addr", "127.0.0.1:0", "-redis", c.redis.URL,
		"-token-pubkey", c.pub, "-host-id", id, "-capacity", fmt.Sprint(c.capacity), "-ttl", "3s", "-drain-timeout", "3s",
		"-grace", "5s", "-log-level", "warn", "-max-conns-per-ip", "0")
	c.hosts[id] = p
	return p
}

// metric reads one unlabelled gauge or counter of a process's /metrics.
func metric(t *testing.T, addr, name string) float64 {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("metrics of %s: %v", addr, err)
	}
	f, ok := families[name]
	if !ok || len(f.GetMetric()) == 0 {
		return 0
	}
	m := f.GetMetric()[0]
	if m.GetGauge() != nil {
		return m.GetGauge().GetValue()
	}
	return m.GetCounter().GetValue()
}

// players counts the seats taken on each live host, checking that no host
// ever has more than its capacity.
func (c *cluster) players() map[string]int {
	c.t.Helper()
	out := map[string]int{}
	for id, p := range c.hosts {
		if _, exited := p.Wait(0); exited {
			continue
		}
		n := int(metric(c.t, p.Addr, "skirmish_players"))
		if n > c.capacity {
			c.t.Errorf("host %s has %d seats taken, over its capacity %d", id, n, c.capacity)
		}
		out[id] = n
	}
	return out
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += max(v, 0)
	}
	return n
}

// waitPlayers waits until the live hosts seat at least want players.
func (c *cluster) waitPlayers(want int, within time.Duration) (map[string]int, time.Duration) {
	c.t.Helper()
	began := time.Now()
	for {
		got := c.players()
		if total(got) >= want {
			return got, time.Since(began)
		}
		if time.Since(began) > within {
			c.t.Fatalf("after %v the hosts seat %v, want %d players", within, got, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// queueURL is a matchmaker's queue endpoint.
func queueURL(p *servertest.Process) string { return "ws://" + p.Addr + "/v1/matchmaking/ws" }

// TestClusterEndToEnd runs Redis, 2 matchmakers and 3 hosts as processes,
// and 200 bots queueing through both matchmakers in two modes. Every bot
// plays; after kill -9 of a host its players are queued again and play on
// another one; a host sent SIGTERM drains, takes no new match and exits 0;
// after a Redis restart no ticket is lost and new bots are matched; no host
// ever seats more than its capacity.
func TestClusterEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a cluster of processes")
	}
	const bots = 200
	// Each host alone must take every player at the end: a match counts
	// its full size against capacity, and requeues leave ffa matches part
	// full.
	c := startCluster(t, 2, []string{"h1", "h2", "h3"}, 512)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	// The bots play until the end of the test (Duration 0: until their
	// context ends).
	botCtx, stopBots := context.WithCancel(ctx)
	defer stopBots()
	var wg sync.WaitGroup
	reports := make([]bot.Report, 2)
	for i, mode := range []string{"ffa", "duel"} {
		wg.Go(func() {
			rep, err := bot.Run(botCtx, &bot.Options{
				URL: "ws://unused.invalid/ws", QueueURL: queueURL(c.matchmaker[i]), Mode: mode,
				Bots: bots / 2, Seed: uint64(i), Name: mode,
				Logger: servertest.Logger(),
			})
			if err != nil {
				t.Errorf("bots %s: %v", mode, err)
			}
			reports[i] = rep
		})
	}

	seated, took := c.waitPlayers(bots, 30*time.Second)
	t.Logf("every bot seated in %v: %v", took, seated)

	// kill -9 the fullest host: its players come back on the others.
	victim := ""
	for id, n := range seated {
		if victim == "" || n > seated[victim] {
			victim = id
		}
	}
	lost := seated[victim]
	killed := time.Now()
	c.hosts[victim].Kill()
	delete(c.hosts, victim)
	// A few bots are always between matches (queued, or on their way to
	// a host): after a host is gone, "all playing again" allows for 2 %.
	const settled = bots * 98 / 100
	back, _ := c.waitPlayers(settled, 3*time.Second+30*time.Second)
	t.Logf("kill -9 of %s (%d players): all playing again after %v: %v", victim, lost, time.Since(killed), back)

	// SIGTERM another host with players: it drains (its matches end at the
	// 3 s drain deadline, results kept), takes no new match, exits 0.
	drained := ""
	for id, n := range back {
		if n > 0 && (drained == "" || n > back[drained]) {
			drained = id
		}
	}
	signalled := time.Now()
	if err := c.hosts[drained].Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	servertest.WaitFor(t, drained+" to report draining", func() bool {
		resp, err := http.Get("http://" + c.hosts[drained].Addr + "/readyz")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode == http.StatusServiceUnavailable && strings.Contains(string(b), "draining")
	})
	matchesAtSignal := metric(t, c.hosts[drained].Addr, "skirmish_matches")
	logAtSignal := len(c.hosts[drained].Stderr())
	code, exited := c.hosts[drained].Wait(20 * time.Second)
	if !exited || code != 0 {
		t.Fatalf("drained host %s: exited %v with %d, want 0 within 20s", drained, exited, code)
	}
	if stderr := c.hosts[drained].Stderr()[logAtSignal:]; strings.Contains(stderr, "msg=assignment ") {
		t.Errorf("the draining host took an assignment after the signal")
	}
	t.Logf("SIGTERM of %s with %v matches: exited 0 after %v", drained, matchesAtSignal, time.Since(signalled))
	delete(c.hosts, drained)
	final, took := c.waitPlayers(settled, 30*time.Second)
	t.Logf("after the drain, playing on the last host within %v: %v", took, final)

	// The drained host's matches were ended at its deadline with their
	// results kept: in the results stream, and on the matchmakers.
	rdb, err := redisstore.Open(ctx, c.redis.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	recent, err := redisstore.NewResults(rdb, nil).Recent(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var drainedResult *matchmaking.MatchResult
	for i := range recent {
		if recent[i].HostID == drained && recent[i].Reason == "host_draining" && len(recent[i].Scoreboard) > 0 {
			drainedResult = &recent[i]
			break
		}
	}
	if drainedResult == nil {
		t.Fatalf("no result with reason host_draining from %s among %d results", drained, len(recent))
	}
	var view struct {
		State  string                   `json:"state"`
		Result *matchmaking.MatchResult `json:"result"`
	}
	getJSON(t, "http://"+c.matchmaker[0].Addr+"/v1/matches/"+drainedResult.MatchID, &view)
	if view.State != "finished" || view.Result == nil || view.Result.Reason != "host_draining" || len(view.Result.Scoreboard) == 0 {
		t.Fatalf("GET /v1/matches/%s: %+v", drainedResult.MatchID, view)
	}

	// Redis restarts (AOF): a ticket queued before it is still there after,
	// hosts and matchmakers reconnect, and new bots are matched.
	lonely := make(chan string, 1)
	qctx, stopLonely := context.WithCancel(ctx)
	lonelyID, err := clientnet.FetchGuest(ctx, queueURL(c.matchmaker[0]))
	if err != nil {
		t.Fatal(err)
	}
	go clientnet.Queue(qctx, queueURL(c.matchmaker[0]), clientnet.QueueRequest{
		Mode: "duel", Regions: []protocol.RegionRTT{{Region: "nobody-else-here", RTTms: 10}},
		Identity: lonelyID.Token, Name: "lonely",
	}, func(st protocol.QueueStatus) {
		select {
		case lonely <- st.Ticket:
		default:
		}
	})
	ticket := <-lonely
	restarted := time.Now()
	c.redis.Restart()
	servertest.WaitForWithin(t, 15*time.Second, "the lonely ticket to be found queued after the restart", func() bool {
		resp, err := http.Get("http://" + c.matchmaker[1].Addr + "/v1/matchmaking/tickets/" + ticket)
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var v struct {
			Status matchmaking.TicketStatus `json:"status"`
		}
		return resp.StatusCode == http.StatusOK && json.NewDecoder(resp.Body).Decode(&v) == nil && v.Status.State == matchmaking.StateQueued
	})
	stopLonely()
	late, err := bot.Run(ctx, &bot.Options{
		URL: "ws://unused.invalid/ws", QueueURL: queueURL(c.matchmaker[0]), Mode: "duel",
		Bots: 10, Duration: 8 * time.Second, Seed: 99, Name: "late", Logger: servertest.Logger(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if late.BotsWithoutSnapshots != 0 {
		t.Errorf("after the Redis restart %d of 10 new bots never played", late.BotsWithoutSnapshots)
	}
	t.Logf("Redis restart: the queued ticket survived; new bots matched, queue→join p50 %v (restart %v ago)", late.QueueWait.P50, time.Since(restarted))

	stopBots()
	wg.Wait()
	for i, rep := range reports {
		if rep.BotsWithoutSnapshots != 0 {
			t.Errorf("bots %d: %d never played", i, rep.BotsWithoutSnapshots)
		}
		t.Logf("bots %d: queue→join p50 %v p99 %v, %d requeues, %d connects",
			i, rep.QueueWait.P50, rep.QueueWait.P99, rep.Requeues, rep.Connects)
	}
	var st matchmaking.Stats
	getJSON(t, "http://"+c.matchmaker[1].Addr+"/v1/matchmaking/stats", &st)
	for _, p := range st.Pools {
		if p.Failed != 0 {
			t.Errorf("pool %s: %d tickets failed", p.Mode, p.Failed)
		}
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: %s %s", url, resp.Status, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}
