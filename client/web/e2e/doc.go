// Package e2e holds the browser end-to-end test of Skirmish's web client
// (browser_test.go, driving play.mjs with Debian's Chromium through
// playwright-core). It runs when SKIRMISH_WEB_DIR names a web build (`make
// test-web` sets it); plain `go test ./...` skips it.
package e2e
