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
// spectators), which the options spell negative.
func TestSpectateFlagsApply(t *testing.T) {
	for _, tc := range []struct {
		delay     time.Duration
		max       int
		wantDelay time.Duration
		wantMax   int
	}{
		{2 * time.Second, 200, 2 * time.Second, 200},
		{0, 0, -1, -1},
		{500 * time.Millisecond, 5, 500 * time.Millisecond, 5},
	} {
		f := spectateFlags{delay: &tc.delay, max: &tc.max}
		var o server.Options
		f.apply(&o)
		if o.SpectateDelay != tc.wantDelay || o.MaxSpectators != tc.wantMax {
			t.Errorf("-spectate-delay %v -max-spectators %d: options %v, %d; want %v, %d", tc.delay, tc.max, o.SpectateDelay, o.MaxSpectators, tc.wantDelay, tc.wantMax)
		}
	}
}
