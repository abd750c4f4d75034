// Package e2e holds the browser end-to-end tests of Skirmish's web client,
// driving a script of this directory with Debian's Chromium through
// playwright-core: browser_test.go (play.mjs: load, play, move, fire),
// queue_test.go (queue.mjs: queue through the matchmaker), stall_test.go
// (stall.mjs: network cuts with the socket left open) and restart_test.go
// (restart.mjs: a server restart mid-match). They run when SKIRMISH_WEB_DIR
// names a web build (`make test-web` sets it); plain `go test ./...` skips
// them.
package e2e
