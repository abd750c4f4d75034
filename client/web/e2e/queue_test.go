package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/client/clientnet"
	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/server/servertest"
	"github.com/skirmishgg/skirmish/server/setup"
)

// TestBrowserQueues: against a server that admits players only through
// its matchmaker, as `skirmish serve` does by default, the page is refused
// a direct seat, queues, waits, and plays once a second player (queued
// from Go) makes the match. The "ffa" mode here takes two players.
func TestBrowserQueues(t *testing.T) {
	env := needBrowser(t)
	st := servertest.StartStack(t, setup.Options{
		Modes: []game.Mode{{Name: "ffa", Rules: arena.New(&arena.Config{MaxPlayers: 2})}},
		Web:   env.web,
	})
	base, wsURL, mm := st.HTTP, st.URL, st.Matchmaker
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	// The second player queues from Go once the page shows the waiting
	// screen (it creates the file signal then) and is in the queue: had it
	// queued earlier, the match could start between two of the page's
	// frames and the waiting screen never show.
	const name = "e2e-queued"
	signal := filepath.Join(t.TempDir(), "waiting")
	errc := make(chan error, 1)
	go func() {
		queueURL, _ := clientnet.QueueURL(wsURL)
		for ctx.Err() == nil {
			_, err := os.Stat(signal)
			if st, serr := mm.Stats(ctx); err == nil && serr == nil && len(st.Pools) > 0 && st.Pools[0].Players > 0 {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		id, err := clientnet.FetchGuest(ctx, queueURL)
		if err != nil {
			errc <- err
			return
		}
		a, err := clientnet.Queue(ctx, queueURL, clientnet.QueueRequest{
			Mode: "ffa", Skill: 1500, Identity: id.Token, Name: "e2e-go",
		}, nil)
		if err != nil {
			errc <- err
			return
		}
		c, err := clientnet.Dial(ctx, a.HostURL, &clientnet.DialOptions{Name: "e2e-go", Resume: a.TokenFor(id.Player), Identity: id.Token})
		if err != nil {
			errc <- err
			return
		}
		errc <- nil
		go keepAcking(ctx, c)
		for {
			if _, err := c.Next(ctx); err != nil {
				return
			}
		}
	}()

	var res struct {
		Phases []string `json:"phases"`
		Player uint32   `json:"player"`
		Match  string   `json:"match"`
	}
	shot := runNode(t, ctx, env, "queue.mjs", base, "browser-queued.png", name, &res, "SIGNAL="+signal)
	if err := <-errc; err != nil {
		t.Fatalf("the second player: %v", err)
	}
	t.Logf("phases %v; playing as player %d in match %s; screenshot %s", res.Phases, res.Player, res.Match, shot)
	if !strings.Contains(strings.Join(res.Phases, " "), "waiting playing") || res.Match == "" {
		t.Fatalf("phases %v: want the waiting screen, then the match", res.Phases)
	}
}
