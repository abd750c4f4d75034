package loadbench

import (
	"testing"
)

func TestLoadbenchServeFlagNames(t *testing.T) {
	usage := "Usage of skirmish serve:\n  -addr string\n    \taddress to listen on (default \":8080\")\n  -max-players int\n    \tplayers per match\n  -web string\n    \tdirectory\n"
	got := parseFlagNames(usage)
	for _, want := range []string{"addr", "max-players", "web"} {
		if !got[want] {
			t.Errorf("%s not found in %v", want, got)
		}
	}
	if len(got) != 3 {
		t.Errorf("found %v, want 3 flags", got)
	}
}
