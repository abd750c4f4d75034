package ui

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/client/clientnet"
)

// TestReplayListWords: the replay list's rows and errors read as plain
// words, never as an error string.
func TestReplayListWords(t *testing.T) {
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct{ got, want string }{
		{byteSize(812), "812 B"},
		{byteSize(48_400), "48 KB"},
		{byteSize(1_240_000), "1.2 MB"},
		{ago(now, now.Add(-20*time.Second)), "just now"},
		{ago(now, now.Add(-5*time.Minute)), "5 min ago"},
		{ago(now, now.Add(-3*time.Hour)), "3 h ago"},
		{ago(now, now.Add(-72*time.Hour)), "3 days ago"},
		{replayTitle(clientnet.ReplayInfo{Name: "m_0123456789-20261205T115800.000Z.skrec", Match: "m_0123456789", Started: now.Add(-2 * time.Minute), Modified: now}), "match m_012345 · 2:00"},
		{replayTitle(clientnet.ReplayInfo{Name: "cup-final.skrec", Modified: now}), "match cup-fina"},
		{replayTitle(clientnet.ReplayInfo{Match: "m_long", Started: now.Add(-(62*time.Minute + 5*time.Second)), Modified: now}), "match m_long · 1h02"},
		{replayTitle(clientnet.ReplayInfo{Match: "m_copied", Started: now.Add(-14 * time.Hour), Modified: now}), "match m_copied"},
	} {
		if tc.got != tc.want {
			t.Errorf("%q, want %q", tc.got, tc.want)
		}
	}
	for _, tc := range []struct {
		err       error
		msg, more string
	}{
		{fmt.Errorf("list: %w: status 404", clientnet.ErrNotShared), "This server does not share its replays.", "Its operator can share them by running it with -record DIR -serve-replays."},
		{fmt.Errorf("list: %w: dial tcp: connection refused", clientnet.ErrUnreachable), "The server did not answer.", "It may be down: check the SERVER field, or try again in a moment."},
		{fmt.Errorf("list: %w", context.DeadlineExceeded), "The server took too long to answer.", "Try again in a moment."},
		{fmt.Errorf("list: %w: %q", clientnet.ErrAddress, "ws://"), "The SERVER field is not a server address.", "Go back and check it."},
		{errors.New("list: status 500"), "The server could not list its replays.", "Try again later."},
	} {
		if msg, more := replayListError(tc.err); msg != tc.msg || more != tc.more {
			t.Errorf("%v: says %q %q, want %q %q", tc.err, msg, more, tc.msg, tc.more)
		}
	}
}

// TestMenuFocus: Tab moves through the menu's fields and the buttons
// under PLAY, and past the SERVER field only when it shows.
func TestMenuFocus(t *testing.T) {
	for _, tc := range []struct {
		from       field
		showServer bool
		want       field
	}{
		{fieldServer, true, fieldName},
		{fieldName, true, fieldWatch},
		{fieldWatch, true, fieldReplays},
		{fieldReplays, true, fieldServer},
		{fieldReplays, false, fieldName},
		{fieldName, false, fieldWatch},
	} {
		if got := nextFocus(tc.from, tc.showServer); got != tc.want {
			t.Errorf("Tab from %d (server shown %v): %d, want %d", tc.from, tc.showServer, got, tc.want)
		}
	}
}
