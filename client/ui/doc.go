// Package ui is Skirmish's player client, drawn with Ebitengine: the menu
// (server address, player name, Play, WATCH A MATCH for the running
// matches, REPLAYS for the server's recordings), the replay viewer, the
// waiting screen, the match
// (arena, walls, players with names and health, bullets with trails, hit
// and death effects, a camera that follows the player, the scoreboard on
// Tab), the results with "play again", a HUD (ping, FPS, tick, bandwidth)
// and the F3 network graph.
//
// It only draws and reads the devices: the screens' state machine, the
// network session, interpolation, prediction, effects and the camera are
// in package play, which does not import Ebitengine and is covered by
// plain `go test`. The same code runs natively (cmd/skirmish-client) and in
// the browser (GOOS=js GOARCH=wasm).
package ui
