package grafana

import (
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/redis/go-redis/v9"

	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/matchmaking/redisstore"
	"github.com/skirmishgg/skirmish/matchmaking/storetest"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/servertest"
	"github.com/skirmishgg/skirmish/server/setup"
)

// startProcesses runs serve, a host and a matchmaker (sharing a real
// redis-server) in-process on loopback, and returns their base URLs by
// name. Each is sent one bad connection, so its closes by code show.
func startProcesses(t *testing.T) map[string]string {
	t.Helper()
	serve := servertest.StartStack(t, setup.Options{Modes: arena.Modes(nil)})

	rd := storetest.StartRedis(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	open := func() *redis.Client {
		c, err := redisstore.Open(ctx, rd.URL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	key := filepath.Join(t.TempDir(), "token")
	if err := setup.WriteKeyPair(key, nil); err != nil {
		t.Fatal(err)
	}
	signer, err := setup.LoadTokenSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	guests, err := setup.LoadGuestIssuer(key, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	mm, err := setup.NewMatchmaker(setup.MatchmakerOptions{Redis: open(), Signer: signer, Guests: guests, Modes: arena.Modes(nil), Logger: servertest.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mm.Close(context.Background()) })
	tokens, err := setup.LoadTokenVerifier(key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	host, err := setup.NewHost(setup.HostOptions{Redis: open(), Tokens: tokens, Modes: arena.Modes(nil), HostID: "h1",
		PublicURL: "ws://h1.invalid/ws", TTL: 3 * time.Second, Server: server.Options{Logger: servertest.Logger()}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		host.Close(ctx)
	})
	procs := map[string]string{"serve": serve.HTTP}
	for name, h := range map[string]http.Handler{"matchmaker": mm.Handler, "host": host.Handler} {
		hs := httptest.NewServer(h)
		t.Cleanup(hs.Close)
		procs[name] = hs.URL
	}
	for _, name := range []string{"serve", "host"} {
		badClient(t, "ws"+strings.TrimPrefix(procs[name], "http")+"/ws")
	}
	return procs
}

// badClient connects and sends a message that is no Hello: the server
// closes it with a protocol error.
func badClient(t *testing.T, url string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if err := c.Write(ctx, websocket.MessageBinary, []byte{0xc1}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Read(ctx); websocket.CloseStatus(err) == -1 {
		t.Fatalf("a bad first message was not closed with a code: %v", err)
	}
}

// scrape reads every process's /metrics into one set of families.
func scrape(t *testing.T, procs map[string]string) map[string]*family {
	t.Helper()
	live := map[string]*family{}
	for _, name := range slices.Sorted(maps.Keys(procs)) {
		resp, err := http.Get(procs[name] + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		parser := expfmt.NewTextParser(model.UTF8Validation)
		fams, err := parser.TextToMetricFamilies(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("/metrics of %s: %v", name, err)
		}
		for n, f := range fams {
			if live[n] == nil {
				live[n] = &family{typ: f.GetType()}
			}
			live[n].from = append(live[n].from, name)
		}
	}
	return live
}
