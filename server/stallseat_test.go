package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// A burst of the inputs a network held back during a stall is not a
// flood: the client plays on.
func TestBurstAfterAStallIsNotAFlood(t *testing.T) {
	srv, url := startServer(t, nil)
	c := dial(t, url)
	handshake(t, c, "stalled")
	time.Sleep(1200 * time.Millisecond) // the stall: the bucket refills
	// Three seconds of 30 Hz inputs, all at once, acknowledging nothing new.
	ctx := context.Background()
	for seq := uint32(1); seq <= 90; seq++ {
		if err := c.Write(ctx, websocket.MessageBinary, (&protocol.Input{Seq: seq, MoveX: 10}).Append(nil)); err != nil {
			t.Fatalf("input %d: %v", seq, err)
		}
	}
	// Snapshots from before the burst are still in the socket: read on
	// until one acknowledges an input of it.
	for deadline := time.Now().Add(5 * time.Second); ; {
		if snap := readSnapshot(t, c); snap.LastSeq > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no input of the burst was applied")
		}
	}
	if st := srv.Matches()[0].Seats; st.Claimed != 1 {
		t.Fatalf("seats %+v after the burst, want the player still playing", st)
	}
}

// A flood is closed with 1008 and frees the seat: resuming it is refused.
func TestFloodFreesTheSeat(t *testing.T) {
	_, url := startServer(t, nil)
	c := dial(t, url)
	w := handshake(t, c, "flooder")
	for seq := uint32(1); seq <= 1000; seq++ {
		if c.Write(context.Background(), websocket.MessageBinary, (&protocol.Input{Seq: seq}).Append(nil)) != nil {
			break
		}
	}
	expectClose(t, c, protocol.ClosePolicyViolation, "rate limit")
	back := dial(t, url)
	writeMsg(t, back, &protocol.Hello{Version: protocol.Version, Resume: w.Resume, Identity: identityOf(c)})
	expectClose(t, back, protocol.CloseBadResume, "resume token")
}

// A client closed because it stopped acknowledging snapshots (a stall)
// keeps its seat for the grace period and resumes it.
func TestLaggingClientKeepsItsSeat(t *testing.T) {
	srv, url := startServer(t, &server.Options{AckTimeout: 500 * time.Millisecond, ResumeGrace: 10 * time.Second})
	c := dial(t, url)
	w := handshake(t, c, "lagging") // and never acknowledges
	expectClose(t, c, protocol.ClosePolicyViolation, "not acknowledged")
	servertest.WaitFor(t, "the seat to be held", func() bool { return srv.Matches()[0].Seats.Held == 1 })
	back := dial(t, url)
	writeMsg(t, back, &protocol.Hello{Version: protocol.Version, Resume: w.Resume, Identity: identityOf(c)})
	if again := readWelcome(t, back); again.Player != w.Player || again.Match != w.Match {
		t.Fatalf("resumed as player %d in %s, want player %d in %s", again.Player, again.Match, w.Player, w.Match)
	}
}

// Every close the server decides after an accepted Hello is preceded by a
// Bye with the same code and reason, for clients that cannot read a close
// frame's code (browsers through WebAssembly).
func TestByeComesBeforeEveryClose(t *testing.T) {
	_, url := startServer(t, nil)
	c := dial(t, url)
	writeMsg(t, c, &protocol.Hello{Version: protocol.Version, Resume: "m.nope", Identity: identityOf(c)})
	var bye protocol.Bye
	if err := bye.Decode(readType(t, c, protocol.MsgBye)); err != nil || bye.Code != protocol.CloseBadResume || bye.Reason == "" {
		t.Fatalf("bye %+v (%v), want 4004 with a reason", bye, err)
	}
	expectClose(t, c, protocol.CloseBadResume, bye.Reason)

	// A client of another version gets no Bye it could not read.
	old := dial(t, url)
	writeMsg(t, old, &protocol.Hello{Version: protocol.Version - 1, Identity: identityOf(old)})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, b, err := old.Read(ctx); err == nil {
		t.Fatalf("a client of another version got a message: %x", b)
	}
}
