package server_test

import (
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/servertest"
)

func TestResumeTakesBackTheSeat(t *testing.T) {
	srv, url := startServer(t, &server.Options{ResumeGrace: 5 * time.Second})
	c := dial(t, url)
	first := handshake(t, c, "dropper")
	if first.Resume == "" {
		t.Fatal("welcome carries no resume token")
	}
	// A resume while the player still looks connected (its network
	// changed and the server has not noticed the old connection is dead)
	// moves the seat to the newer connection and closes the older one.
	other := dial(t, url)
	// Another identity with the stolen resume token takes nothing.
	thief := dial(t, url)
	writeMsg(t, thief, &protocol.Hello{Version: protocol.Version, Resume: first.Resume, Identity: identityOf(thief)})
	expectClose(t, thief, protocol.CloseBadResume, "another identity")
	writeMsg(t, other, &protocol.Hello{Version: protocol.Version, Resume: first.Resume, Identity: identityOf(c)})
	if w := readWelcome(t, other); w.Player != first.Player {
		t.Fatalf("the newer connection got player %d, want %d", w.Player, first.Player)
	}
	expectClose(t, c, protocol.CloseReplaced, "replaced")
	if got := srv.Matches()[0].Players; got != 1 {
		t.Fatalf("%d seats taken after the replacement, want 1", got)
	}

	other.CloseNow() // the connection drops without a close handshake
	time.Sleep(100 * time.Millisecond)
	if got := srv.Matches()[0].Players; got != 1 {
		t.Fatalf("%d seats taken after the drop, want the held one", got)
	}

	back := dial(t, url)
	writeMsg(t, back, &protocol.Hello{Version: protocol.Version, Name: "ignored", Resume: first.Resume, Identity: identityOf(c)})
	second := readWelcome(t, back)
	if second.Player != first.Player || second.Match != first.Match || second.Resume != first.Resume {
		t.Fatalf("resumed as player %d in %s, want player %d in %s with the same token", second.Player, second.Match, first.Player, first.Match)
	}
	// The resumed connection starts from a full snapshot.
	snap := readSnapshot(t, back)
	if snap.Base != 0 {
		t.Fatalf("first snapshot after resume has base %d, want a full one", snap.Base)
	}
}

func TestResumeGraceExpires(t *testing.T) {
	srv, url := startServer(t, &server.Options{ResumeGrace: 100 * time.Millisecond})
	c := dial(t, url)
	w := handshake(t, c, "gone")
	c.CloseNow()
	// Held seats are checked about once a second.
	servertest.WaitFor(t, "the held seat to expire", func() bool {
		ms := srv.Matches()
		return len(ms) == 1 && ms[0].Players == 0
	})
	back := dial(t, url)
	writeMsg(t, back, &protocol.Hello{Version: protocol.Version, Resume: w.Resume, Identity: identityOf(c)})
	expectClose(t, back, protocol.CloseBadResume, "resume token")
}

func TestNormalCloseFreesTheSeat(t *testing.T) {
	srv, url := startServer(t, nil)
	c := dial(t, url)
	w := handshake(t, c, "quitter")
	c.Close(websocket.StatusNormalClosure, "bye")
	servertest.WaitFor(t, "the seat to be freed", func() bool {
		ms := srv.Matches()
		return len(ms) == 1 && ms[0].Players == 0
	})
	back := dial(t, url)
	writeMsg(t, back, &protocol.Hello{Version: protocol.Version, Resume: w.Resume, Identity: identityOf(c)})
	expectClose(t, back, protocol.CloseBadResume, "resume token")
}
