package main

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"slices"
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

// TestLayering enforces the dependency direction described in the
// README's "Architecture" section and in each package's doc comment:
// dependencies point inward. Every rule says why it exists; a failure
// names the package, what it reached and the rule.
func TestLayering(t *testing.T) {
	websocket := "github.com/coder/websocket"
	ebiten := "github.com/hajimehoshi/ebiten"
	rules := []struct {
		name      string
		why       string
		pkgs      string   // module-relative prefix the rule applies to
		except    []string // module-relative prefixes under pkgs it does not apply to
		noDirect  []string // forbidden direct imports (exact)
		noDeep    []string // forbidden transitive imports (prefixes)
		ownAllows []string // Skirmish packages it may import (prefixes)
	}{
		{
			name:      "game is pure",
			why:       "game code runs unchanged on the server, in the native client and in the browser (game/game.go), so it takes time and randomness as inputs",
			pkgs:      "game",
			noDirect:  []string{"time", "math/rand", "crypto/rand", "os", "syscall"},
			noDeep:    []string{"net", ebiten, websocket},
			ownAllows: []string{"game"},
		},
		{
			name:      "protocol is pure",
			why:       "the wire format is shared by the server and every client, and compiles to WebAssembly (protocol/messages.go, docs/PROTOCOL.md)",
			pkgs:      "protocol",
			noDirect:  []string{"time", "math/rand", "crypto/rand", "os", "syscall"},
			noDeep:    []string{"net", ebiten, websocket},
			ownAllows: []string{"protocol"},
		},
		{
			name:      "the msgpack codec is the standard library's only",
			why:       "one codec serves the wire protocol and recordings alike (protocol/msgp/msgp.go): it knows neither",
			pkgs:      "protocol/msgp",
			noDirect:  []string{"time", "math/rand", "crypto/rand", "os", "syscall"},
			noDeep:    []string{"net", "github.com", "golang.org"},
			ownAllows: []string{"protocol/msgp"},
		},
		{
			name:      "the recording format is pure",
			why:       "recordings are read by the command line, the server and clients alike (replay/doc.go): the format knows only the game contract and the wire description",
			pkgs:      "replay",
			noDirect:  []string{"os", "syscall", "math/rand", "crypto/rand"},
			noDeep:    []string{"net", ebiten, websocket},
			ownAllows: []string{"replay", "game", "protocol"},
		},
		{
			name:      "the match runtime is transport-free",
			why:       "a match reaches players only through match.Peer (server/match/peer.go): another transport or an in-memory peer is one new package",
			pkgs:      "server/match",
			noDeep:    []string{websocket, module + "/matchmaking"},
			ownAllows: []string{"server/match", "server/clock", "game", "protocol"},
		},
		{
			name:      "the registry and admission know no transport",
			why:       "which matches exist (server/registry) and who takes which seat (server/admission) are the same for every transport",
			pkgs:      "server/registry",
			noDeep:    []string{websocket},
			ownAllows: []string{"server/registry", "server/match", "server/clock", "game", "protocol", "matchmaking"},
		},
		{
			name:      "admission knows no transport",
			why:       "who takes which seat (server/admission) is the same for every transport",
			pkgs:      "server/admission",
			noDeep:    []string{websocket},
			ownAllows: []string{"server/admission", "server/registry", "server/match", "server/clock", "server/identity", "game", "protocol", "matchmaking"},
		},
		{
			name:      "identity is verification logic",
			why:       "guest tokens and JWTs are checked by the matchmaker API, the queue socket and host admission alike; HTTP and WebSockets stay with their adapters (server/identity/doc.go); guest tokens share the signed envelope of join tokens (matchmaking/signed, pure)",
			pkgs:      "server/identity",
			noDirect:  []string{"net/http"},
			noDeep:    []string{websocket, ebiten},
			ownAllows: []string{"server/identity", "matchmaking/signed"},
		},
		{
			name:      "the WebSocket adapter knows matches only through the runtime",
			why:       "server/ws adapts the runtime's Peer to WebSockets; admission reaches it through ws.Admitter (server/ws/handler.go); network limits have one home (server/netlimit)",
			pkgs:      "server/ws",
			noDeep:    []string{module + "/matchmaking"},
			ownAllows: []string{"server/ws", "server/match", "server/clock", "server/netlimit", "server/ratelimit", "game", "protocol"},
		},
		{
			name:      "WebSocket framing is pure",
			why:       "the frame parser and writers (server/ws/wsframe/doc.go) do no I/O: the adapter's readers (a goroutine, an event loop) and the loadbench floor can all drive them",
			pkgs:      "server/ws/wsframe",
			noDirect:  []string{"time", "os", "syscall"},
			noDeep:    []string{"net", websocket, ebiten},
			ownAllows: []string{"server/ws/wsframe"},
		},
		{
			name:      "server never names a concrete game",
			why:       "the host serves whatever games setup is given (server/setup/setup.go); only cmd/ and tests name the arena",
			pkgs:      "server",
			noDeep:    []string{module + "/game/arena", module + "/client", ebiten},
			ownAllows: []string{"server", "game", "protocol", "matchmaking", "replay"},
		},
		{
			name:      "matchmaking knows nothing of transports",
			why:       "the matchmaker is a library (matchmaking/doc.go); its network adapter is server/matchapi, its Redis adapter matchmaking/redisstore",
			pkgs:      "matchmaking",
			except:    []string{"matchmaking/redisstore", "matchmaking/storetest"},
			noDeep:    []string{"net", websocket, ebiten},
			ownAllows: []string{"matchmaking", "protocol", "game"},
		},
		{
			name:      "the Redis adapter knows no game transport",
			why:       "matchmaking/redisstore stores the matchmaker's state; it speaks Redis, not WebSocket (matchmaking/redisstore/doc.go)",
			pkgs:      "matchmaking/redisstore",
			noDeep:    []string{websocket, ebiten, module + "/server"},
			ownAllows: []string{"matchmaking"},
		},
		{
			name:      "client networking draws nothing",
			why:       "plain go test covers the client's networking (client/clientnet/doc.go)",
			pkgs:      "client/clientnet",
			noDeep:    []string{ebiten},
			ownAllows: []string{"client/clientnet", "game", "protocol", "replay"},
		},
		{
			name:      "bots draw nothing",
			why:       "bots are the load tool and run headless (client/bot/doc.go)",
			pkgs:      "client/bot",
			noDeep:    []string{ebiten},
			ownAllows: []string{"client/bot", "client/clientnet", "game", "protocol", "replay"},
		},
		{
			name:      "the client's screens are plain Go",
			why:       "the screens' state machine is tested without a window (client/ui/play)",
			pkgs:      "client/ui/play",
			noDeep:    []string{ebiten},
			ownAllows: []string{"client/ui/play", "client/clientnet", "game", "protocol", "replay"},
		},
		{
			name:      "the load bench knows the server only over the network",
			why:       "loadbench measures a server process from outside, as an operator would (bench/loadbench/doc.go)",
			pkgs:      "bench/loadbench",
			noDeep:    []string{module + "/server", module + "/matchmaking", ebiten},
			ownAllows: []string{"bench/loadbench", "client/bot", "client/clientnet", "game", "protocol", "replay"},
		},
		{
			name:      "the soak knows the server only over the network",
			why:       "soak runs a server process and reads its /metrics, as an operator would (bench/soak/doc.go)",
			pkgs:      "bench/soak",
			noDeep:    []string{module + "/server", module + "/matchmaking", ebiten},
			ownAllows: []string{"bench/soak", "client/bot", "client/clientnet", "game", "protocol", "replay"},
		},
		{
			name:      "client does not import server",
			why:       "the client talks to any server that speaks docs/PROTOCOL.md",
			pkgs:      "client",
			noDeep:    []string{module + "/server", module + "/matchmaking"},
			ownAllows: []string{"client", "game", "protocol", "replay"},
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
					if !under(path, module+"/"+r.pkgs) || slices.ContainsFunc(r.except, func(e string) bool { return under(path, module+"/"+e) }) {
						continue
					}
					checked++
					for _, imp := range p.Imports {
						for _, bad := range r.noDirect {
							if imp == bad {
								t.Errorf("%s imports %s: %s", path, imp, r.why)
							}
						}
					}
					for _, dep := range p.Deps {
						for _, bad := range r.noDeep {
							if under(dep, bad) {
								t.Errorf("%s depends on %s: %s", path, dep, r.why)
							}
						}
						if under(dep, module) && !allowed(dep, r.ownAllows) {
							t.Errorf("%s depends on %s, outside %v: %s", path, dep, r.ownAllows, r.why)
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
