package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/server"
	"github.com/skirmishgg/skirmish/server/setup"
)

func TestSpectateFlagsRefused(t *testing.T) {
	for _, cmd := range [][]string{{"serve"}, {"host", "-token-pubkey", "x"}} {
		for _, tc := range []struct{ flag, value, want string }{
			{"-spectate-delay", "-1s", "-spectate-delay must be in 0..1m"},
			{"-spectate-delay", "2m", "-spectate-delay must be in 0..1m"},
			{"-max-spectators", "-1", "-max-spectators must be in 0..10000"},
			{"-max-spectators-per-ip", "-1", "-max-spectators-per-ip must be 0 (no cap) or positive"},
		} {
			var stderr bytes.Buffer
			args := append(append([]string(nil), cmd...), tc.flag, tc.value)
			if code := run(setup.StopWith(context.Background()), args, io.Discard, &stderr); code != 2 || !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("%s %s %s: exit %d, %q", cmd, tc.flag, tc.value, code, stderr.String())
			}
		}
	}
}

// TestSpectateFlagsApply: the flags' 0 means off (no delay, no
// spectators, no per-address cap), which the options spell negative.
func TestSpectateFlagsApply(t *testing.T) {
	for _, tc := range []struct {
		delay          time.Duration
		max, perIP     int
		wantDelay      time.Duration
		wantMax, wantP int
	}{
		{2 * time.Second, 200, 4, 2 * time.Second, 200, 4},
		{0, 0, 0, -1, -1, -1},
		{500 * time.Millisecond, 5, 1, 500 * time.Millisecond, 5, 1},
	} {
		f := spectateFlags{delay: &tc.delay, max: &tc.max, perIP: &tc.perIP}
		var o server.Options
		f.apply(&o)
		if o.SpectateDelay != tc.wantDelay || o.MaxSpectators != tc.wantMax || o.MaxSpectatorsPerIP != tc.wantP {
			t.Errorf("-spectate-delay %v -max-spectators %d -max-spectators-per-ip %d: options %v, %d, %d; want %v, %d, %d",
				tc.delay, tc.max, tc.perIP, o.SpectateDelay, o.MaxSpectators, o.MaxSpectatorsPerIP, tc.wantDelay, tc.wantMax, tc.wantP)
		}
	}
}
