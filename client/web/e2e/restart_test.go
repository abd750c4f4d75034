package e2e

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/servertest"
	"github.com/skirmishgg/skirmish/server/setup"
)

// TestBrowserRequeuesAfterServerRestart restarts the server (a new stack
// on the same address, as a redeploy does) while the page plays. Without a
// key pressed, the page must tell the player in plain words that the
// server restarted (the notice in the HUD's warning colour on the waiting
// screen), queue again and play a new match on the new server. The mode
// starts a match with whoever queued after a second, so the page needs no
// other player.
func TestBrowserRequeuesAfterServerRestart(t *testing.T) {
	env := needBrowser(t)
	opts := setup.Options{
		Server: server.Options{ResumeGrace: 30 * time.Second},
		Modes: []game.Mode{{Name: "ffa", Rules: arena.New(&arena.Config{MaxPlayers: 4}),
			MinPlayers: 1, StartShortAfterSeconds: 1}},
		Web: env.web,
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, stopFirst, err := stackOn(addr, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stopFirst)

	ctx, cancel := context.WithTimeout(context.Background(), 75*time.Second)
	defer cancel()
	signal := filepath.Join(t.TempDir(), "playing")

	// Once the page plays: restart. The new server is stopped when the
	// test ends, however it ends.
	var r struct {
		stopAt, upAt time.Time
		st           *setup.Stack
		stop         func()
		err          error
	}
	restarted := make(chan struct{})
	t.Cleanup(func() {
		cancel()
		<-restarted
		if r.stop != nil {
			r.stop()
		}
	})
	go func() {
		defer close(restarted)
		for {
			if _, err := os.Stat(signal); err == nil {
				break
			}
			select {
			case <-ctx.Done():
				r.err = errors.New("the page never played the first match")
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
		r.stopAt = time.Now()
		stopFirst()
		r.st, r.stop, r.err = stackOn(addr, opts)
		r.upAt = time.Now()
	}()

	const name = "e2e-restart"
	type view struct {
		Phase  string `json:"phase"`
		Player uint32 `json:"player"`
		Match  string `json:"match"`
		Notice string `json:"notice"`
	}
	var res struct {
		view
		SignalAt int64 `json:"signalAt"`
		Phases   []struct {
			Phase string `json:"phase"`
			At    int64  `json:"at"`
		} `json:"phases"`
		NoticeShot string   `json:"noticeShot"`
		Notice     view     `json:"notice"`
		Again      view     `json:"again"`
		Texts      []string `json:"texts"`
	}
	shot := runNode(t, ctx, env, "restart.mjs", "http://"+addr, "browser-restart.png", name, &res, "SIGNAL="+signal)
	<-restarted
	if r.err != nil {
		t.Fatalf("restart: %v", r.err)
	}

	var phases []string
	for _, p := range res.Phases {
		if p.At >= res.SignalAt {
			phases = append(phases, p.Phase)
		}
	}
	t.Logf("first match %s as player %d; after the restart: phases %v, then match %s as player %d", res.Match, res.Player, phases, res.Again.Match, res.Again.Player)
	for _, p := range phases {
		if p == "menu" || p == "results" {
			t.Errorf("the page went through the %s after the restart: phases %v", p, phases)
		}
	}
	if !r.st.Server.HasMatch(res.Again.Match) {
		t.Errorf("the page plays match %s, which the new server does not run", res.Again.Match)
	}

	// The plain-language notice: warning-coloured text above the waiting
	// screen's title, absent from the match before.
	band := [4]float64{0.2, 0.25, 0.8, 0.5}
	before, notice := warnPixels(t, shot, band), warnPixels(t, res.NoticeShot, band)
	if notice < before+100 {
		t.Errorf("no notice on the waiting screen after the restart (%d warning-coloured pixels, %d in the match before): %s", notice, before, res.NoticeShot)
	} else {
		t.Logf("notice shown (%d warning-coloured pixels): %s", notice, res.NoticeShot)
	}

	// The words: what the client says after a restart, and nothing of its
	// internals (those go to the console log).
	if res.Notice.Notice != restartNotice {
		t.Errorf("the waiting screen says %q after the restart, want %q", res.Notice.Notice, restartNotice)
	}
	for _, text := range res.Texts {
		if internal := internalText(text); internal != "" {
			t.Errorf("the page showed the player %q: internal detail %q", text, internal)
		}
	}
	t.Logf("sentences shown to the player: %q", res.Texts)

	var again int64
	for _, p := range res.Phases {
		if p.At > res.SignalAt && p.Phase == "playing" {
			again = p.At
		}
	}
	t.Logf("server restart: stopped in %v; server stopping → playing again %d ms, new server listening → playing again %d ms (the mode waits 1 s for a full match)",
		r.upAt.Sub(r.stopAt).Round(time.Millisecond), again-r.stopAt.UnixMilli(), again-r.upAt.UnixMilli())
	if d := time.Duration(again-r.stopAt.UnixMilli()) * time.Millisecond; d > 10*time.Second {
		t.Errorf("playing again %v after the restart, want within 10s", d)
	}
}

// restartNotice is what the page says when its server restarted under
// its match (play.Session's notice).
const restartNotice = "The server restarted and your match ended — finding you a new one…"

// internalText returns the first piece of s that belongs in a log, not
// on a player's screen: a package prefix, a Go error's wording, a
// WebSocket library's status dump ("" when there is none).
func internalText(s string) string {
	for _, bad := range []string{"clientnet:", "play:", "websocket:", "matchmaking:", "protocol:",
		"use of closed network connection", "status = ", "StatusCode(", "failed to read", "handshake", "EOF"} {
		if strings.Contains(s, bad) {
			return bad
		}
	}
	return ""
}

// stackOn runs an all-in-one server (as `skirmish serve` wires it) on addr,
// so a test can stop it and start another on the same address: a server
// restart as players see it. stop closes players with 1001 and waits.
func stackOn(addr string, opts setup.Options) (*setup.Stack, func(), error) {
	opts.Server.Logger = servertest.Logger()
	opts.PublicURL = "ws://elsewhere.invalid/ws" // the local host is reached as "here"
	st, err := setup.New(opts)
	if err != nil {
		return nil, nil, err
	}
	var ln net.Listener
	for deadline := time.Now().Add(5 * time.Second); ; {
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		if time.Now().After(deadline) {
			return nil, nil, err
		}
		time.Sleep(20 * time.Millisecond)
	}
	hs := &http.Server{Handler: st.Handler}
	go hs.Serve(ln)
	var once sync.Once
	stop := func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			st.Close(ctx)
			hs.Close()
		})
	}
	return st, stop, nil
}
