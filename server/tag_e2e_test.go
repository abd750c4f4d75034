package server_test

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	clientnet "github.com/skirmishgg/skirmish/client/clientnet"
	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// TestSecondGameOverWebSockets runs the tag game, which shares nothing with
// the arena, on the real server over real WebSockets and checks what two
// real clients see: the game's own schema, both runners, one's movement, a
// tag passed on touch (and passed back only after the cooldown, counted in
// server ticks), and the outcome at the end.
func TestSecondGameOverWebSockets(t *testing.T) {
	rules := &tagRules{W: 128, H: 96, Radius: 6, Speed: 4, Cooldown: 20, Ticks: 180, Rate: 60, Players: 2}
	_, url := servertest.StartServer(t, rules, &server.Options{Seed: 1}) // fixed spawns
	ctx, cancel := context.WithTimeout(t.Context(), 9*time.Second)       // the whole test
	defer cancel()

	a, b := playTagOnline(t, ctx, url, "alice"), playTagOnline(t, ctx, url, "bob")
	idA, idB := a.conn.Player(), b.conn.Player()

	// The Welcome describes the tag game, not the arena.
	wantKinds := []protocol.KindSchema{{Name: "runner", Fields: []string{"x", "y", "it"}}, {Name: "field", Fields: []string{"w", "h", "end"}}}
	for _, c := range []*tagClient{a, b} {
		w := c.conn.Welcome()
		if !slices.EqualFunc(w.Kinds, wantKinds, func(x, y protocol.KindSchema) bool {
			return x.Name == y.Name && slices.Equal(x.Fields, y.Fields)
		}) || w.TickRate != 60 || w.Match != a.conn.Welcome().Match {
			t.Fatalf("%s: welcome %+v, want the tag schema %v at 60 Hz in match %s", c.name, w, wantKinds, a.conn.Welcome().Match)
		}
		if r, ok := w.Static.Param("runner_radius"); w.Static.Bounds != (protocol.Rect{MaxX: 128, MaxY: 96}) || len(w.Static.Walls) != 0 || !ok || r != 6 {
			t.Fatalf("%s: static description %+v, want the tag field 128x96 with runners of radius 6", c.name, w.Static)
		}
	}

	// Both see both runners, and the field; alice joined first, so she is it.
	var ra, rb protocol.Entity
	for _, c := range []*tagClient{a, b} {
		c.waitFor(t, "both runners and the field", func(v map[uint32]protocol.Entity) bool {
			f := v[tagFieldID]
			ra, rb = v[idA], v[idB]
			return ra.Kind == tagRunner && rb.Kind == tagRunner && f.Kind == tagField && f.Fields[fieldW] == rules.W
		})
		if ra.Fields[runnerIt] != 1 || rb.Fields[runnerIt] != 0 {
			t.Fatalf("%s: alice it=%d, bob it=%d before any move", c.name, ra.Fields[runnerIt], rb.Fields[runnerIt])
		}
	}
	startA := [2]int32{ra.Fields[runnerX], ra.Fields[runnerY]}

	// Alice chases Bob, who stands still: Bob sees her move...
	a.chase.Store(idB)
	b.waitFor(t, "alice to move", func(v map[uint32]protocol.Entity) bool {
		ra := v[idA]
		return ra.Fields[runnerX] != startA[0] || ra.Fields[runnerY] != startA[1]
	})
	// ...then both learn that she tagged him, and see him it.
	for _, c := range []*tagClient{a, b} {
		c.waitFor(t, "the tag to pass to bob", func(v map[uint32]protocol.Entity) bool {
			return v[idA].Fields[runnerIt] == 0 && v[idB].Fields[runnerIt] == 1
		})
	}
	first := a.tags()[0]
	if first.Actor != idA || first.Target != idB {
		t.Fatalf("first tag %+v, want alice (%d) tagging bob (%d)", first, idA, idB)
	}
	// Alice stays on Bob, so he tags her back as soon as the cooldown lets him.
	b.waitFor(t, "the tag to come back", func(map[uint32]protocol.Entity) bool { return len(b.tagsLocked()) >= 2 })
	if back := b.tags()[1]; back.Actor != idB || back.Target != idA || back.Tick <= first.Tick+rules.Cooldown {
		t.Fatalf("tag back %+v, %d ticks after %+v: the cooldown is %d", back, back.Tick-first.Tick, first, rules.Cooldown)
	}

	// The match ends on the tick its field announced, with both ranked.
	for _, c := range []*tagClient{a, b} {
		end := c.waitEnd(t)
		if end.Reason != "time_limit" || end.Tick != uint32(c.endTick()) || len(end.Results) != 2 ||
			end.Winner != end.Results[0].Player || end.Results[0].Score < end.Results[1].Score {
			t.Fatalf("%s: match end %+v, want the time limit at tick %d", c.name, end, c.endTick())
		}
		t.Logf("%s: %d tags, first %+v; end %+v", c.name, len(c.tags()), first, end)
		ids := []uint32{end.Results[0].Player, end.Results[1].Player}
		if !slices.Contains(ids, idA) || !slices.Contains(ids, idB) || !slices.Equal(a.tags(), c.tags()) {
			t.Fatalf("%s: results %+v or tags differ from alice's", c.name, end.Results)
		}
	}
}

// tagClient is a player of the tag game on a clientnet.Conn: a goroutine
// reads, keeps the latest view, the events and the match end, and answers
// every snapshot with an input (standing still, or chasing a runner).
type tagClient struct {
	name  string
	conn  *clientnet.Conn
	chase atomic.Uint32 // player to run at; 0: stand still

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every change
	view    map[uint32]protocol.Entity
	events  []protocol.Event
	end     *protocol.MatchEnd
	err     error // the reader's final error
}

func playTagOnline(t *testing.T, ctx context.Context, url, name string) *tagClient {
	t.Helper()
	conn, err := clientnet.Dial(ctx, url, &clientnet.DialOptions{Name: name, Identity: servertest.Guest(t, url)})
	if err != nil {
		t.Fatalf("%s: dial: %v", name, err)
	}
	c := &tagClient{name: name, conn: conn, changed: make(chan struct{}), view: map[uint32]protocol.Entity{}}
	rctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	t.Cleanup(func() {
		stop()
		<-done
		conn.CloseNow()
	})
	go func() {
		defer close(done)
		c.read(rctx)
	}()
	return c
}

func (c *tagClient) read(ctx context.Context) {
	for {
		typ, err := c.conn.Next(ctx)
		c.mu.Lock()
		switch {
		case err != nil:
			c.err = err
		case typ == protocol.MsgSnapshot:
			_, ents := c.conn.View()
			clear(c.view)
			for _, e := range ents {
				c.view[e.ID] = e
			}
		case typ == protocol.MsgEvent:
			c.events = append(c.events, c.conn.Event())
		case typ == protocol.MsgMatchEnd:
			end, _ := c.conn.MatchEnd()
			end.Results = slices.Clone(end.Results)
			c.end = &end
		}
		close(c.changed)
		c.changed = make(chan struct{})
		in := c.steer()
		c.mu.Unlock()
		if err != nil {
			return
		}
		if typ == protocol.MsgSnapshot {
			c.conn.SendInput(ctx, in) // a failure ends the connection: Next reports it
		}
	}
}

// steer heads for the chased runner, full speed on each axis. c.mu is held.
func (c *tagClient) steer() protocol.Input {
	me, ok1 := c.view[c.conn.Player()]
	to, ok2 := c.view[c.chase.Load()]
	if !ok1 || !ok2 {
		return protocol.Input{}
	}
	axis := func(d int32) int8 { return int8(min(max(d, -1), 1) * game.AxisMax) }
	return protocol.Input{MoveX: axis(to.Fields[runnerX] - me.Fields[runnerX]), MoveY: axis(to.Fields[runnerY] - me.Fields[runnerY])}
}

// waitFor waits until cond holds for the newest view; cond runs with c.mu
// held, once per change.
func (c *tagClient) waitFor(t *testing.T, what string, cond func(view map[uint32]protocol.Entity) bool) {
	t.Helper()
	timeout := time.NewTimer(5 * time.Second)
	defer timeout.Stop()
	for {
		c.mu.Lock()
		ok, ch, err := cond(c.view), c.changed, c.err
		c.mu.Unlock()
		switch {
		case ok:
			return
		case err != nil:
			t.Fatalf("%s: connection ended (%v) while waiting for %s", c.name, err, what)
		}
		select {
		case <-ch:
		case <-timeout.C:
			t.Fatalf("%s: timed out waiting for %s", c.name, what)
		}
	}
}

// waitEnd waits for the MatchEnd, which comes before the connection's end.
func (c *tagClient) waitEnd(t *testing.T) protocol.MatchEnd {
	t.Helper()
	c.waitFor(t, "the match end", func(map[uint32]protocol.Entity) bool { return c.end != nil })
	return *c.end
}

// tags returns the tag events received so far.
func (c *tagClient) tags() []protocol.Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tagsLocked()
}

func (c *tagClient) tagsLocked() []protocol.Event {
	return slices.DeleteFunc(slices.Clone(c.events), func(e protocol.Event) bool { return e.Kind != uint8(tagPassed) })
}

// endTick is the match's last tick as the field entity announces it.
func (c *tagClient) endTick() int32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.view[tagFieldID].Fields[fieldEnd]
}
