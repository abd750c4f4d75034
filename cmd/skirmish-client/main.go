// Command skirmish-client is Skirmish's player client: a window (natively)
// or a canvas (compiled to WebAssembly and served by `skirmish serve` at /)
// with a menu, the match, the HUD and the results.
//
// Natively:
//
//	skirmish-client [-server ws://localhost:8080/ws] [-name NAME] [-join] [-autoplay] [-spectate MATCHID]
//
// In the browser the server defaults to the page's own host (ws or wss as
// the page), and the page's query string takes the same options:
// ?server=HOST:PORT&name=NAME&join=1&autoplay=1&spectate=MATCHID.
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
