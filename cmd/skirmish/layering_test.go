package main

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/skirmishgg/skirmish"

// goPackage is the part of `go list -json` this test reads.
type goPackage struct {
	ImportPath string
	Imports    []string // direct
	Deps       []string // transitive
}

// listPackages runs `go list` over the whole module for one target platform.
func listPackages(t *testing.T, env ...string) map[string]goPackage {
	t.Helper()
	cmd := exec.Command("go", "list", "-json=ImportPath,Imports,Deps", module+"/...")
	cmd.Env = append(cmd.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string]goPackage{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p goPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		pkgs[p.ImportPath] = p
	}
	return pkgs
}

func under(path, prefix string) bool {
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

// TestLayering enforces the dependency direction of ARCHITECTURE.md: game
// and protocol are pure (no network, rendering, wall clock, global
// randomness or other Skirmish packages); matchmaking knows no transport;
// the client's logic (networking, bots, screens) imports no ebiten, so
// plain go test covers it; and server and client never import each other.
func TestLayering(t *testing.T) {
	rules := []struct {
		name      string
		pkgs      string   // module-relative prefix the rule applies to
		noDirect  []string // forbidden direct imports (exact)
		noDeep    []string // forbidden transitive imports (prefixes)
		ownAllows []string // Skirmish packages it may import (prefixes)
	}{
		{
			name:      "game is pure",
			pkgs:      "game",
			noDirect:  []string{"time", "math/rand", "crypto/rand", "os", "syscall"},
			noDeep:    []string{"net", "github.com/hajimehoshi/ebiten", "github.com/coder/websocket"},
			ownAllows: []string{"game"},
		},
		{
			name:      "protocol is pure",
			pkgs:      "protocol",
			noDirect:  []string{"time", "math/rand", "crypto/rand", "os", "syscall"},
			noDeep:    []string{"net", "github.com/hajimehoshi/ebiten", "github.com/coder/websocket"},
			ownAllows: []string{"protocol"},
		},
		{
			name:      "server does not import client",
			pkgs:      "server",
			noDeep:    []string{module + "/client", "github.com/hajimehoshi/ebiten"},
			ownAllows: []string{"server", "game", "protocol", "matchmaking"},
		},
		{
			name:      "matchmaking knows nothing of transports",
			pkgs:      "matchmaking",
			noDeep:    []string{"net", "github.com/coder/websocket", "github.com/hajimehoshi/ebiten"},
			ownAllows: []string{"matchmaking", "protocol", "game"},
		},
		{
			name:      "client networking draws nothing",
			pkgs:      "client/clientnet",
			noDeep:    []string{"github.com/hajimehoshi/ebiten"},
			ownAllows: []string{"client/clientnet", "game", "protocol"},
		},
		{
			name:      "bots draw nothing",
			pkgs:      "client/bot",
			noDeep:    []string{"github.com/hajimehoshi/ebiten"},
			ownAllows: []string{"client/bot", "client/clientnet", "game", "protocol"},
		},
		{
			name:      "the client's screens are plain Go",
			pkgs:      "client/ui/play",
			noDeep:    []string{"github.com/hajimehoshi/ebiten"},
			ownAllows: []string{"client/ui/play", "client/clientnet", "game", "protocol"},
		},
		{
			name:      "client does not import server",
			pkgs:      "client",
			noDeep:    []string{module + "/server", module + "/matchmaking"},
			ownAllows: []string{"client", "game", "protocol"},
		},
	}
	for _, goos := range []string{"linux", "js"} {
		env := []string{"GOOS=" + goos}
		if goos == "js" {
			env = append(env, "GOARCH=wasm")
		}
		pkgs := listPackages(t, env...)
		for _, r := range rules {
			t.Run(goos+"/"+r.name, func(t *testing.T) {
				checked := 0
				for path, p := range pkgs {
					if !under(path, module+"/"+r.pkgs) {
						continue
					}
					checked++
					for _, imp := range p.Imports {
						for _, bad := range r.noDirect {
							if imp == bad {
								t.Errorf("%s imports %s", path, imp)
							}
						}
					}
					for _, dep := range p.Deps {
						for _, bad := range r.noDeep {
							if under(dep, bad) {
								t.Errorf("%s depends on %s", path, dep)
							}
						}
						if under(dep, module) && !allowed(dep, r.ownAllows) {
							t.Errorf("%s depends on %s, outside %v", path, dep, r.ownAllows)
						}
					}
				}
				if checked == 0 {
					t.Fatalf("no package under %s: the rule checks nothing", r.pkgs)
				}
			})
		}
	}
}

func allowed(dep string, prefixes []string) bool {
	for _, p := range prefixes {
		if under(dep, module+"/"+p) {
			return true
		}
	}
	return false
}
