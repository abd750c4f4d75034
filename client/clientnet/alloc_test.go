package clientnet

import (
	"context"
	"testing"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// TestSteadyStateAllocatesNothing checks the promise of the package doc:
// once warm, reading and applying a snapshot and sending an input allocate
// nothing.
func TestSteadyStateAllocatesNothing(t *testing.T) {
	const n = 300
	views := [2][]protocol.Entity{
		{player(1, 10, 20, 0), player(2, 30, 40, 0), bullet(100, 1, 1)},
		{player(1, 11, 21, 0), player(2, 31, 40, 1), bullet(101, 2, 2)},
	}
	counts := testCounts(t)
	msgs := [][]byte{protocol.AppendSnapshot(nil, 2, 0, 0, nil, views[0], counts)}
	for i := 1; i < n; i++ {
		tick := uint32(2 * (i + 1))
		msgs = append(msgs, protocol.AppendSnapshot(nil, tick, tick-2, uint32(i), views[(i+1)%2], views[i%2], counts))
	}
	written := make(chan struct{})
	measured := make(chan struct{})
	fs := servertest.NewScripted(t, func(ctx context.Context, ws *websocket.Conn, hello protocol.Hello) error {
		if err := send(ctx, ws, testWelcome()); err != nil {
			return err
		}
		for _, m := range msgs {
			if err := ws.Write(ctx, websocket.MessageBinary, m); err != nil {
				return err
			}
		}
		close(written)
		<-measured // the server stays idle while the client is measured
		return nil
	})
	c, err := Dial(t.Context(), fs.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	defer close(measured)
	<-written
	ctx := t.Context()
	step := func() {
		if _, err := c.Next(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := c.SendInput(ctx, protocol.Input{MoveX: 1}); err != nil {
			t.Fatal(err)
		}
	}
	for range 20 {
		step()
	}
	if allocs := testing.AllocsPerRun(n-50, step); allocs != 0 {
		t.Fatalf("%v allocations per snapshot and input", allocs)
	}
	if st := c.Stats(); st.RTTSamples == 0 {
		t.Fatalf("no RTT samples: %+v", st)
	}
}
