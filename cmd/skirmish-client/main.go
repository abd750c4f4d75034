// Command skirmish-client is Skirmish's player client: a window (natively)
// or a canvas (compiled to WebAssembly and served by `skirmish serve` at /)
// with a menu, the match, the HUD and the results.
//
// Natively:
//
//	skirmish-client [-server ws://localhost:8080/ws] [-name NAME] [-join] [-autoplay] [-spectate MATCHID] [-party CODE]
//	skirmish-client -replay FILE.skrec
//
// A replay plays a match recording: Space plays or pauses, ←/→ seek 5 s,
// [ and ] (or - and +) change the speed from 0.25× to 4×, Tab or 1-9
// follow a player, F or 0 frees the camera (WASD, ↑/↓ or dragging pan),
// Esc leaves. The menu's REPLAYS lists the recordings the server shares
// (-record DIR -serve-replays) and opens the chosen one.
//
// In the browser the server defaults to the page's own host (ws or wss as
// the page), and the page's query string takes the same options:
// ?server=HOST:PORT&name=NAME&join=1&autoplay=1&spectate=MATCHID&party=CODE,
// and ?replay=/replays/NAME plays a recording the server serves
// (-serve-replays).
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/skirmishgg/skirmish/client/ui"
)

func main() {
	opts, err := options()
	if err != nil {
		fmt.Fprintln(os.Stderr, "skirmish-client:", err)
		os.Exit(2)
	}
	bind := hook(&opts)
	g := ui.New(context.Background(), opts)
	bind(g)
	if err := ui.Run(g); err != nil {
		fmt.Fprintln(os.Stderr, "skirmish-client:", err)
		os.Exit(1)
	}
}
