//go:build js

package main

import (
	"net/url"
	"syscall/js"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/skirmishgg/skirmish/client/ui"
	"github.com/skirmishgg/skirmish/client/ui/play"
)

// options reads the page's address: the server defaults to the page's own
// host, and the query string may set server, name, join, autoplay and
// spectate (a match ID to watch).
func options() (ui.Options, error) {
	var o ui.Options
	loc := js.Global().Get("location")
	scheme := "ws"
	if loc.Get("protocol").String() == "https:" {
		scheme = "wss"
	}
	o.Server = scheme + "://" + loc.Get("host").String() + "/ws"
	q, _ := url.ParseQuery(trimQuestion(loc.Get("search").String()))
	if v := q.Get("server"); v != "" {
		o.Server = v
	}
	// Served by the server itself: the SERVER field goes behind
	// "Advanced", since the page already knows where to play.
	o.HideServer = q.Get("server") == ""
	o.Name = q.Get("name")
	if o.Name == "" {
		o.Name = stored("skirmish.name")
	}
	o.Join = truthy(q.Get("join"))
	o.Party = q.Get("party")
	o.Autoplay = truthy(q.Get("autoplay"))
	o.Spectate = q.Get("spectate") // the server refuses an ID it does not run
	if d, err := time.ParseDuration(q.Get("interp")); err == nil {
		o.InterpDelay = d
	}
	if v := q.Get("replay"); v != "" {
		// Relative to the page: ?replay=/replays/NAME is the server's.
		o.Replay = js.Global().Get("URL").New(v, loc.Get("href")).Call("toString").String()
	}
	return o, nil
}

// hook mirrors the client's state into the page as window.skirmish, for
// the page's loader and for tests: {phase, player, match, error (the
// menu's sentence), notice (the waiting screen's, why a new match is being
// found), ping (ms, the HUD's PING), fps, tps, firstFrameAt
// (performance.now() of the first frame showing a snapshot), replay (with
// ?replay=: {loading, error, tick, ticks, playing, speed, follow,
// followName, players}), menu ({focus, list}: where the menu's keys are)},
// calls window.skirmishPhase(phase) when the page defines it, and keeps the
// player's name in localStorage. The returned function binds the game.
func hook(o *ui.Options) func(*ui.Game) {
	state := js.Global().Get("Object").New()
	state.Set("phase", "loading")
	js.Global().Set("skirmish", state)
	var game *ui.Game
	o.OnPhase = func(p play.Phase, st play.State) {
		if p == play.PhaseConnecting && game != nil {
			store("skirmish.name", game.Machine().Name)
		}
		state.Set("phase", p.String())
		state.Set("player", st.Player)
		state.Set("match", st.Match)
		state.Set("notice", st.Notice)
		if st.Err != nil {
			state.Set("error", play.Describe(st.Err))
		}
		if f := js.Global().Get("skirmishPhase"); f.Type() == js.TypeFunction {
			f.Invoke(p.String())
		}
	}
	shown := time.Duration(-1)
	o.OnNetStats = func(st play.NetStats) {
		if st.Ping != shown {
			shown = st.Ping
			state.Set("ping", float64(st.Ping)/float64(time.Millisecond))
		}
	}
	o.OnReplay = func(st ui.ReplayStatus) {
		r := js.Global().Get("Object").New()
		r.Set("loading", st.Loading)
		r.Set("error", st.Err)
		r.Set("tick", st.Tick)
		r.Set("ticks", st.Ticks)
		r.Set("playing", st.Playing)
		r.Set("speed", st.Speed)
		r.Set("follow", st.Follow)
		r.Set("followName", st.FollowName)
		r.Set("players", st.Players)
		state.Set("replay", r)
		state.Set("phase", "replay")
	}
	o.OnMenu = func(st ui.MenuStatus) {
		m := js.Global().Get("Object").New()
		m.Set("focus", st.Focus)
		m.Set("list", st.List)
		state.Set("menu", m)
	}
	o.OnFirstFrame = func() {
		state.Set("firstFrameAt", js.Global().Get("performance").Call("now"))
	}
	// Frame rates, for the curious and for tests.
	go func() {
		for range time.Tick(500 * time.Millisecond) {
			state.Set("fps", ebiten.ActualFPS())
			state.Set("tps", ebiten.ActualTPS())
		}
	}()
	return func(g *ui.Game) {
		game = g
		// The game is about to run: the page can drop its loading screen.
		state.Set("phase", "menu")
		if f := js.Global().Get("skirmishReady"); f.Type() == js.TypeFunction {
			f.Invoke()
		}
	}
}

func store(key, value string) {
	if ls := js.Global().Get("localStorage"); ls.Type() == js.TypeObject {
		ls.Call("setItem", key, value)
	}
}

func stored(key string) string {
	ls := js.Global().Get("localStorage")
	if ls.Type() != js.TypeObject {
		return ""
	}
	v := ls.Call("getItem", key)
	if v.Type() != js.TypeString {
		return ""
	}
	return v.String()
}

func trimQuestion(s string) string {
	if len(s) > 0 && s[0] == '?' {
		return s[1:]
	}
	return s
}

func truthy(s string) bool { return s == "1" || s == "true" || s == "yes" }
